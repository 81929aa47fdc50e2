import type { APIEmbed } from "discord.js";
import type { EpochMetrics } from "../engines/gan/train.ts";
import type { Panel } from "../images/chart.ts";
import type { TrainingConfig } from "./runs.ts";

const COLORS = { queued: 0x949cf7, running: 0x5865f2, stopping: 0xfee75c, stopped: 0xfee75c, succeeded: 0x57f287, failed: 0xed4245 } as const;

export interface RunView {
  id: string;
  name: string;
  status: keyof typeof COLORS;
  config: TrainingConfig;
  implementation?: string | null;
  last?: EpochMetrics;
  epochsDone: number;
  /** Mean seconds per epoch so far, for the ETA. */
  secondsPerEpoch?: number;
  error?: string | null;
}

/** The status message the class watches: edited as the run goes. */
export function statusEmbed(v: RunView): APIEmbed {
  const n = v.config.epochs;
  const done = v.epochsDone;
  const bar = "▰".repeat(Math.round((done / n) * 20)) + "▱".repeat(20 - Math.round((done / n) * 20));
  const eta = v.secondsPerEpoch && done < n && v.status === "running" ? ` · ETA ${duration(v.secondsPerEpoch * (n - done))}` : "";
  const fields = v.last
    ? [
        { name: "D_loss", value: v.last.d_loss.toFixed(4), inline: true },
        { name: "G_loss", value: v.last.g_loss.toFixed(4), inline: true },
        { name: "D_acc", value: `${(v.last.d_acc * 100).toFixed(1)} %`, inline: true },
        { name: "Images/s", value: String(v.last.images_per_s), inline: true },
        { name: "Backend", value: v.implementation ?? "—", inline: true },
      ]
    : [];
  return {
    title: `Training ${v.name}`,
    color: COLORS[v.status],
    description: `${bar}\nEpoch ${done}/${n} · ${v.status}${eta}${v.error ? `\n⚠️ ${v.error}` : ""}`,
    fields,
    footer: { text: `${v.config.arch}${v.config.conditional ? " (conditional)" : ""} on ${v.config.dataset} · batch ${v.config.batch} · lr ${v.config.lr} · run ${v.id}` },
  };
}

/** One epoch: its numbers, the fixed-noise sample grid and the charts so far. */
export function epochEmbeds(v: RunView, m: EpochMetrics, files: { grid?: string; chart: string }): APIEmbed[] {
  const embeds: APIEmbed[] = [
    {
      title: `${v.name} · epoch ${m.epoch}/${v.config.epochs}`,
      color: COLORS.running,
      description: `D_loss **${m.d_loss.toFixed(4)}** · G_loss **${m.g_loss.toFixed(4)}** · D_acc **${(m.d_acc * 100).toFixed(1)} %**${classAccuracy(m)} · ${m.images_per_s} images/s · ${m.seconds.toFixed(1)} s`,
      ...(files.grid ? { image: { url: `attachment://${files.grid}` } } : {}),
    },
    { title: "Losses and generator norms so far", color: COLORS.running, image: { url: `attachment://${files.chart}` } },
  ];
  return embeds;
}

export function finalEmbed(v: RunView, grid: string, stopped: boolean): APIEmbed {
  return {
    title: stopped ? `${v.name} stopped after epoch ${v.epochsDone}` : `${v.name} finished: ${v.epochsDone} epochs`,
    color: stopped ? COLORS.stopped : COLORS.succeeded,
    description: stopped
      ? `A checkpoint is saved: \`/train resume run:${v.name}\` continues from epoch ${v.epochsDone + 1}.`
      : `100 samples below, from the model: the moving average of G's weights over the epochs. Use it now: \`/gan sample model:${v.name}\``,
    fields: v.last
      ? [
          { name: "Final D_loss / G_loss", value: `${v.last.d_loss.toFixed(4)} / ${v.last.g_loss.toFixed(4)}`, inline: true },
          { name: "D_acc", value: `${(v.last.d_acc * 100).toFixed(1)} %`, inline: true },
        ]
      : [],
    image: { url: `attachment://${grid}` },
  };
}

/** AC-GAN runs: how often D's classifier head names the class of real and of generated images. */
function classAccuracy(m: EpochMetrics): string {
  if (m.d_class_real === undefined || m.d_class_fake === undefined) return "";
  return ` · D class acc real **${(m.d_class_real * 100).toFixed(1)} %**, fake **${(m.d_class_fake * 100).toFixed(1)} %**`;
}

function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** The three charts of an epoch embed: losses and D accuracy, then G's per-layer weight and gradient norms. */
export function trainingCharts(h: EpochMetrics[]): Panel[] {
  const layers = Object.keys(h.at(-1)?.g_weight_norms ?? {}).filter((k) => k.endsWith("kernel"));
  const palette = ["#57f287", "#fee75c", "#eb459e", "#5865f2"];
  return [
    { title: "Losses", series: [{ name: "D_loss", values: h.map((m) => m.d_loss), color: "#5865f2" }, { name: "G_loss", values: h.map((m) => m.g_loss), color: "#eb459e" }, { name: "D_acc", values: h.map((m) => m.d_acc), color: "#b5bac1" }] },
    { title: "Generator weight norms (per layer)", log: true, series: layers.map((k, i) => ({ name: k.replace(".kernel", ""), values: h.map((m) => m.g_weight_norms[k]!), color: palette[i % 4]! })) },
    { title: "Generator gradient norms (per layer)", log: true, series: layers.map((k, i) => ({ name: k.replace(".kernel", ""), values: h.map((m) => m.g_grad_norms[k]!), color: palette[i % 4]! })) },
  ];
}

