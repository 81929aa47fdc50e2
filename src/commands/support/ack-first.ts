/**
 * Acknowledgements before bookkeeping. A class-wide burst brings 200 requests at once; each
 * one's work after its acknowledgement (recording it, queueing the job, editing the reply) would
 * otherwise share the event loop and the database pool with the acknowledgements still to be
 * sent, and Discord's 3 s — and the students' wait for "thinking…" — are about those. So work
 * after an acknowledgement first waits for the acknowledgements under way at that moment (not
 * for later arrivals: a steady stream of requests cannot hold it back).
 */
const underWay = new Set<Promise<unknown>>();

/** Runs the work up to and including an acknowledgement, counted as under way until it settles. */
export async function acknowledgement<T>(work: () => Promise<T>): Promise<T> {
  const p = work();
  underWay.add(p);
  try {
    return await p;
  } finally {
    underWay.delete(p);
  }
}

/** Resolves once every acknowledgement under way now has been sent (or has failed). */
export async function acknowledgementsSent(): Promise<void> {
  if (underWay.size) await Promise.allSettled([...underWay]);
}
