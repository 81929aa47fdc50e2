// N-API bindings (node-addon-api): the addon object and the NativeMlpGan class.
// Types mirror src/engines/gan/native.ts.
#include <napi.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <utility>
#include <string>
#if defined(__linux__)
#include <sched.h>
#endif

#include "cuda_library.h"
#include "dcgan.h"
#include "gemm.h"
#include "mlp_gan.h"

namespace genlab {
namespace {

constexpr const char* kVersion = "1.1.0";

[[noreturn]] void typeError(Napi::Env env, const std::string& msg) {
  throw Napi::TypeError::New(env, "genlab_native: " + msg);
}
[[noreturn]] void rangeError(Napi::Env env, const std::string& msg) {
  throw Napi::RangeError::New(env, "genlab_native: " + msg);
}

double getNumber(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) typeError(o.Env(), std::string("spec.") + key + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) rangeError(o.Env(), std::string("spec.") + key + " must be finite");
  return d;
}

std::vector<int> getWidths(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) typeError(o.Env(), std::string("spec.") + key + " must be an array of layer widths");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    const double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 1 && d <= (1 << 20) && std::floor(d) == d))
      rangeError(o.Env(), std::string("spec.") + key + " must hold positive integers");
    out.push_back(static_cast<int>(d));
  }
  if (out.size() < 2) rangeError(o.Env(), std::string("spec.") + key + " needs at least an input and an output width");
  return out;
}

// spec.auxClassifier: optional boolean, for conditional GANs only.
bool auxClassifierArg(Napi::Object o, int numClasses) {
  const Napi::Value aux = o.Get("auxClassifier");
  if (!aux.IsUndefined() && !aux.IsBoolean()) typeError(o.Env(), "spec.auxClassifier must be a boolean");
  const bool on = aux.IsBoolean() && aux.As<Napi::Boolean>().Value();
  if (on && numClasses < 2) rangeError(o.Env(), "spec.auxClassifier needs numClasses >= 2");
  return on;
}

MlpSpec parseSpec(Napi::Env env, Napi::Value v) {
  if (!v.IsObject()) typeError(env, "spec must be an object");
  Napi::Object o = v.As<Napi::Object>();
  MlpSpec s;
  s.gLayers = getWidths(o, "gLayers");
  s.dLayers = getWidths(o, "dLayers");
  const double c = getNumber(o, "numClasses");
  if (c < 0 || std::floor(c) != c || c > 1e6) rangeError(env, "spec.numClasses must be a non-negative integer");
  s.numClasses = static_cast<int>(c);
  s.auxClassifier = auxClassifierArg(o, s.numClasses);
  s.slope = static_cast<float>(getNumber(o, "slope"));
  if (s.slope < 0) rangeError(env, "spec.slope must be >= 0 (LeakyReLU)");
  s.adam.lr = getNumber(o, "lr");
  s.adam.beta1 = getNumber(o, "beta1");
  s.adam.beta2 = getNumber(o, "beta2");
  s.adam.eps = getNumber(o, "eps");
  if (!(s.adam.beta1 >= 0 && s.adam.beta1 < 1 && s.adam.beta2 >= 0 && s.adam.beta2 < 1))
    rangeError(env, "spec.beta1 and spec.beta2 must be in [0, 1)");
  if (s.gLayers.front() <= s.numClasses) rangeError(env, "spec.gLayers[0] must be zDim + numClasses (zDim > 0)");
  if (s.auxClassifier) {
    if (s.dLayers.front() != s.gLayers.back())
      rangeError(env, "spec.dLayers[0] must equal the image width (last of gLayers) with auxClassifier");
    if (s.dLayers.back() != 1 + s.numClasses)
      rangeError(env, "spec.dLayers must end in 1 + numClasses with auxClassifier (one logit, then class logits)");
  } else {
    if (s.dLayers.front() != s.gLayers.back() + s.numClasses)
      rangeError(env, "spec.dLayers[0] must equal the image width (last of gLayers) + numClasses");
    if (s.dLayers.back() != 1) rangeError(env, "spec.dLayers must end in 1 (one logit)");
  }
  return s;
}

Napi::Float32Array asF32(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    typeError(env, what + " must be a Float32Array");
  return v.As<Napi::Float32Array>();
}

// A list of tensors (W0, b0, W1, b1, …) checked against, copied into / out of a flat MlpParams-style buffer.
void checkTensors(Napi::Env env, Napi::Value v, const MlpParams& net, const std::string& what) {
  if (!v.IsArray()) typeError(env, what + " must be an array of Float32Array");
  Napi::Array a = v.As<Napi::Array>();
  if (a.Length() != net.tensors())
    rangeError(env, what + " must hold " + std::to_string(net.tensors()) + " tensors (W0, b0, W1, b1, …), got " +
                        std::to_string(a.Length()));
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Float32Array t = asF32(env, a.Get(i), what + "[" + std::to_string(i) + "]");
    if (t.ElementLength() != net.count[i])
      rangeError(env, what + "[" + std::to_string(i) + "] must have " + std::to_string(net.count[i]) +
                          " elements, got " + std::to_string(t.ElementLength()));
  }
}

// Call checkTensors on every list first, so a bad argument leaves the trainer untouched.
void readTensors(Napi::Value v, const MlpParams& net, float* dst) {
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Float32Array t = a.Get(i).As<Napi::Float32Array>();
    std::memcpy(dst + net.offset[i], t.Data(), sizeof(float) * net.count[i]);
  }
}

Napi::Array writeTensors(Napi::Env env, const MlpParams& net, const float* src) {
  Napi::Array a = Napi::Array::New(env, net.tensors());
  for (uint32_t i = 0; i < net.tensors(); ++i) {
    Napi::Float32Array t = Napi::Float32Array::New(env, net.count[i]);
    std::memcpy(t.Data(), src + net.offset[i], sizeof(float) * net.count[i]);
    a.Set(i, t);
  }
  return a;
}

Napi::Array numbers(Napi::Env env, const std::vector<double>& xs) {
  Napi::Array a = Napi::Array::New(env, xs.size());
  for (uint32_t i = 0; i < xs.size(); ++i) a.Set(i, Napi::Number::New(env, xs[i]));
  return a;
}

// ---- arguments both trainers take -----------------------------------------------------------

int countArg(Napi::Env env, Napi::Value v, int max) {
  if (!v.IsNumber()) typeError(env, "batch/n must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 1 && d <= max && std::floor(d) == d)) rangeError(env, "batch/n must be a positive integer");
  return static_cast<int>(d);
}

const float* rowsArg(Napi::Env env, Napi::Value v, int rows, int width, const char* what) {
  Napi::Float32Array a = asF32(env, v, what);
  const size_t need = static_cast<size_t>(rows) * width;
  if (a.ElementLength() < need)
    rangeError(env, std::string(what) + " holds " + std::to_string(a.ElementLength()) + " floats; " +
                        std::to_string(rows) + "×" + std::to_string(width) + " needed");
  return a.Data();
}

const int32_t* labelsArg(Napi::Env env, Napi::Value v, int rows, int C) {
  if (v.IsNull() || v.IsUndefined()) {
    if (C > 0) typeError(env, "labels (Int32Array) are required: numClasses = " + std::to_string(C));
    return nullptr;
  }
  if (C == 0) typeError(env, "labels must be null: numClasses = 0");
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    typeError(env, "labels must be an Int32Array");
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  if (a.ElementLength() < static_cast<size_t>(rows))
    rangeError(env, "labels holds " + std::to_string(a.ElementLength()) + " ids; " + std::to_string(rows) + " needed");
  const int32_t* d = a.Data();
  for (int i = 0; i < rows; ++i)
    if (d[i] < 0 || d[i] >= C) rangeError(env, "label " + std::to_string(d[i]) + " out of range [0, " + std::to_string(C) + ")");
  return d;
}

// step(real, z, labels, batch) on either trainer: the arguments checked, the losses as an object.
template <class Gan>
Napi::Object stepWith(Gan& gan, const Napi::CallbackInfo& info, int maxBatch) {
  Napi::Env env = info.Env();
  const int B = countArg(env, info[3], maxBatch);
  const float* real = rowsArg(env, info[0], B, gan.imgDim(), "real");
  const float* z = rowsArg(env, info[1], B, gan.zDim(), "z");
  const int32_t* labels = labelsArg(env, info[2], B, gan.spec().numClasses);
  const StepResult r = gan.step(real, z, labels, B);
  Napi::Object o = Napi::Object::New(env);
  o.Set("dLoss", r.dLoss);
  o.Set("gLoss", r.gLoss);
  o.Set("dAcc", r.dAcc);
  o.Set("dReal", r.dReal);
  o.Set("dFake", r.dFake);
  if (gan.spec().auxClassifier) {
    o.Set("dClassReal", r.dClassReal);
    o.Set("dClassFake", r.dClassFake);
  }
  return o;
}

// generate(z, labels, n) on either trainer.
template <class Gan>
Napi::Value generateWith(Gan& gan, const Napi::CallbackInfo& info, int maxCount) {
  Napi::Env env = info.Env();
  const int n = countArg(env, info[2], maxCount);
  const float* z = rowsArg(env, info[0], n, gan.zDim(), "z");
  const int32_t* labels = labelsArg(env, info[1], n, gan.spec().numClasses);
  Napi::Float32Array out = Napi::Float32Array::New(env, static_cast<size_t>(n) * gan.imgDim());
  gan.generate(z, labels, n, out.Data());
  return out;
}

// setOptimizerState's argument: { step, g: { m, v }, d: { m, v } }, its shape checked.
struct OptimizerStateArg {
  long step;
  Napi::Object g, d;
};

OptimizerStateArg optimizerStateArg(Napi::Env env, Napi::Value v) {
  if (!v.IsObject()) typeError(env, "optimizer state must be an object");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value st = o.Get("step");
  const double step = st.IsNumber() ? st.As<Napi::Number>().DoubleValue() : -1;
  if (!(step >= 0 && std::floor(step) == step)) rangeError(env, "state.step must be a non-negative integer");
  auto part = [&](const char* key) {
    Napi::Value p = o.Get(key);
    if (!p.IsObject()) typeError(env, std::string("state.") + key + " must be { m, v }");
    return p.As<Napi::Object>();
  };
  return {static_cast<long>(step), part("g"), part("d")};
}

class GanWrap : public Napi::ObjectWrap<GanWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeMlpGan",
                       {
                           InstanceMethod<&GanWrap::Step>("step"),
                           InstanceMethod<&GanWrap::Generate>("generate"),
                           InstanceMethod<&GanWrap::GetWeights>("getWeights"),
                           InstanceMethod<&GanWrap::SetWeights>("setWeights"),
                           InstanceMethod<&GanWrap::GetOptimizerState>("getOptimizerState"),
                           InstanceMethod<&GanWrap::SetOptimizerState>("setOptimizerState"),
                           InstanceMethod<&GanWrap::GradNorms>("gradNorms"),
                           InstanceMethod<&GanWrap::WeightNorms>("weightNorms"),
                           InstanceMethod<&GanWrap::SetProfiling>("setProfiling"),
                           InstanceMethod<&GanWrap::Timings>("timings"),
                       });
  }

  explicit GanWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GanWrap>(info) {
    Napi::Env env = info.Env();
    gan_ = std::make_unique<MlpGan>(parseSpec(env, info[0]));
    SetWeightsFrom(env, info[1], "init");
    const char* p = std::getenv("GENLAB_NATIVE_PROFILE");
    gan_->profile = p && *p && std::strcmp(p, "0") != 0;
  }

 private:
  std::unique_ptr<MlpGan> gan_;

  // Batches and sample counts up to 2^24 rows.
  static constexpr int kMaxRows = 1 << 24;

  Napi::Value Step(const Napi::CallbackInfo& info) { return stepWith(*gan_, info, kMaxRows); }

  Napi::Value Generate(const Napi::CallbackInfo& info) { return generateWith(*gan_, info, kMaxRows); }

  Napi::Value GetWeights(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("g", writeTensors(env, gan_->G, gan_->G.params.data()));
    o.Set("d", writeTensors(env, gan_->D, gan_->D.params.data()));
    return o;
  }

  void SetWeightsFrom(Napi::Env env, Napi::Value v, const std::string& what) {
    if (!v.IsObject()) typeError(env, what + " must be { g: Float32Array[], d: Float32Array[] }");
    Napi::Object o = v.As<Napi::Object>();
    checkTensors(env, o.Get("g"), gan_->G, what + ".g");
    checkTensors(env, o.Get("d"), gan_->D, what + ".d");
    readTensors(o.Get("g"), gan_->G, gan_->G.params.data());
    readTensors(o.Get("d"), gan_->D, gan_->D.params.data());
  }

  void SetWeights(const Napi::CallbackInfo& info) { SetWeightsFrom(info.Env(), info[0], "weights"); }

  Napi::Value GetOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto moments = [&](const MlpParams& net) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("m", writeTensors(env, net, net.m.data()));
      o.Set("v", writeTensors(env, net, net.v.data()));
      return o;
    };
    Napi::Object o = Napi::Object::New(env);
    o.Set("step", Napi::Number::New(env, static_cast<double>(gan_->t)));
    o.Set("g", moments(gan_->G));
    o.Set("d", moments(gan_->D));
    return o;
  }

  void SetOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto [step, g, d] = optimizerStateArg(env, info[0]);
    // Validate all four lists before writing: a bad state leaves the trainer untouched.
    checkTensors(env, g.Get("m"), gan_->G, "state.g.m");
    checkTensors(env, g.Get("v"), gan_->G, "state.g.v");
    checkTensors(env, d.Get("m"), gan_->D, "state.d.m");
    checkTensors(env, d.Get("v"), gan_->D, "state.d.v");
    readTensors(g.Get("m"), gan_->G, gan_->G.m.data());
    readTensors(g.Get("v"), gan_->G, gan_->G.v.data());
    readTensors(d.Get("m"), gan_->D, gan_->D.m.data());
    readTensors(d.Get("v"), gan_->D, gan_->D.v.data());
    gan_->t = step;
  }

  Napi::Value GradNorms(const Napi::CallbackInfo& info) { return numbers(info.Env(), gan_->gradNorms()); }
  Napi::Value WeightNorms(const Napi::CallbackInfo& info) { return numbers(info.Env(), gan_->weightNorms()); }

  void SetProfiling(const Napi::CallbackInfo& info) {
    gan_->profile = info[0].ToBoolean().Value();
    for (double& ms : gan_->phaseMs) ms = 0;
    gan_->profiledSteps = 0;
  }

  Napi::Value Timings(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object ms = Napi::Object::New(env);
    for (int p = 0; p < kPhases; ++p) ms.Set(MlpGan::phaseName(p), gan_->phaseMs[p]);
    Napi::Object o = Napi::Object::New(env);
    o.Set("steps", Napi::Number::New(env, static_cast<double>(gan_->profiledSteps)));
    o.Set("ms", ms);
    return o;
  }
};


// ---- the DCGAN ------------------------------------------------------------------------------

DcganSpec parseDcganSpec(Napi::Env env, Napi::Value v) {
  if (!v.IsObject()) typeError(env, "spec must be an object");
  Napi::Object o = v.As<Napi::Object>();
  DcganSpec s;
  auto integer = [&](const char* key, int lo, int hi) {
    const double d = getNumber(o, key);
    if (!(d >= lo && d <= hi && std::floor(d) == d))
      rangeError(env, std::string("spec.") + key + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int>(d);
  };
  s.height = integer("height", 8, 256);
  s.width = integer("width", 8, 256);
  s.channels = integer("channels", 1, 4);
  s.zDim = integer("zDim", 1, 4096);
  s.numClasses = integer("numClasses", 0, 1000);
  s.auxClassifier = auxClassifierArg(o, s.numClasses);
  if (s.height % 4 || s.width % 4 || s.height != s.width) rangeError(env, "spec.height and spec.width must be equal multiples of 4");
  s.slope = static_cast<float>(getNumber(o, "slope"));
  if (s.slope < 0) rangeError(env, "spec.slope must be >= 0 (LeakyReLU)");
  s.adam.lr = getNumber(o, "lr");
  s.adam.beta1 = getNumber(o, "beta1");
  s.adam.beta2 = getNumber(o, "beta2");
  s.adam.eps = getNumber(o, "eps");
  if (!(s.adam.beta1 >= 0 && s.adam.beta1 < 1 && s.adam.beta2 >= 0 && s.adam.beta2 < 1))
    rangeError(env, "spec.beta1 and spec.beta2 must be in [0, 1)");
  s.bnMomentum = static_cast<float>(getNumber(o, "bnMomentum"));
  s.bnEps = static_cast<float>(getNumber(o, "bnEpsilon"));
  if (!(s.bnMomentum >= 0 && s.bnMomentum < 1 && s.bnEps > 0)) rangeError(env, "spec.bnMomentum must be in [0, 1) and spec.bnEpsilon > 0");
  return s;
}

// Tensor lists over one or two TensorSets (trainables, then statistics), validated before writing.
void checkSets(Napi::Env env, Napi::Value v, std::initializer_list<const TensorSet*> sets, const std::string& what) {
  if (!v.IsArray()) typeError(env, what + " must be an array of Float32Array");
  Napi::Array a = v.As<Napi::Array>();
  size_t total = 0;
  for (const TensorSet* s : sets) total += s->tensors();
  if (a.Length() != total)
    rangeError(env, what + " must hold " + std::to_string(total) + " tensors, got " + std::to_string(a.Length()));
  uint32_t i = 0;
  for (const TensorSet* s : sets)
    for (size_t k = 0; k < s->tensors(); ++k, ++i) {
      Napi::Float32Array t = asF32(env, a.Get(i), what + "[" + std::to_string(i) + "]");
      if (t.ElementLength() != s->count[k])
        rangeError(env, what + "[" + std::to_string(i) + "] must have " + std::to_string(s->count[k]) + " elements, got " +
                            std::to_string(t.ElementLength()));
    }
}

void readSets(Napi::Value v, std::initializer_list<std::pair<const TensorSet*, float*>> sets) {
  Napi::Array a = v.As<Napi::Array>();
  uint32_t i = 0;
  for (auto [s, base] : sets)
    for (size_t k = 0; k < s->tensors(); ++k, ++i) {
      Napi::Float32Array t = a.Get(i).As<Napi::Float32Array>();
      std::memcpy(base + s->offset[k], t.Data(), sizeof(float) * s->count[k]);
    }
}

Napi::Array writeSets(Napi::Env env, std::initializer_list<std::pair<const TensorSet*, const float*>> sets) {
  size_t total = 0;
  for (auto [s, base] : sets) total += s->tensors();
  Napi::Array a = Napi::Array::New(env, total);
  uint32_t i = 0;
  for (auto [s, base] : sets)
    for (size_t k = 0; k < s->tensors(); ++k, ++i) {
      Napi::Float32Array t = Napi::Float32Array::New(env, s->count[k]);
      std::memcpy(t.Data(), base + s->offset[k], sizeof(float) * s->count[k]);
      a.Set(i, t);
    }
  return a;
}

// Runs a trainer call, turning a backend's failure (a CUDA error, say) into a JavaScript Error.
template <class F>
auto guarded(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("genlab_native: ") + e.what());
  }
}

// spec.device: "cpu" (default), "cuda" (genlab_cuda.so on a GPU) or "host-kernels" (the CUDA
// backend's kernels run on the host: for checking them without a GPU).
std::unique_ptr<DcganTrainer> makeDcgan(Napi::Env env, Napi::Value specArg, const DcganSpec& spec) {
  const Napi::Value d = specArg.As<Napi::Object>().Get("device");
  const std::string device = d.IsUndefined() ? "cpu" : d.IsString() ? d.As<Napi::String>().Utf8Value() : "?";
  if (device == "cpu") return makeCpuDcgan(spec);
  if (device == "host-kernels") return makeHostKernelDcgan(spec);
  if (device == "cuda") return guarded(env, [&] { return makeCudaDcgan(spec); });
  rangeError(env, "spec.device must be \"cpu\", \"cuda\" or \"host-kernels\"");
}

class DcganWrap : public Napi::ObjectWrap<DcganWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeDcgan",
                       {
                           InstanceMethod<&DcganWrap::Step>("step"),
                           InstanceMethod<&DcganWrap::Generate>("generate"),
                           InstanceMethod<&DcganWrap::GetWeights>("getWeights"),
                           InstanceMethod<&DcganWrap::SetWeights>("setWeights"),
                           InstanceMethod<&DcganWrap::GetOptimizerState>("getOptimizerState"),
                           InstanceMethod<&DcganWrap::SetOptimizerState>("setOptimizerState"),
                           InstanceMethod<&DcganWrap::GradNorms>("gradNorms"),
                           InstanceMethod<&DcganWrap::WeightNorms>("weightNorms"),
                       });
  }

  explicit DcganWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DcganWrap>(info) {
    gan_ = makeDcgan(info.Env(), info[0], parseDcganSpec(info.Env(), info[0]));
    SetWeightsFrom(info.Env(), info[1], "init");
  }

 private:
  std::unique_ptr<DcganTrainer> gan_;

  // Batches and sample counts up to 2^16 images.
  static constexpr int kMaxImages = 1 << 16;

  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&] { return stepWith(*gan_, info, kMaxImages); });
  }
  Napi::Value Generate(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&] { return generateWith(*gan_, info, kMaxImages); });
  }
  // The host copies, current (a device-backed trainer copies them back after a step).
  DcganTrainer& host(Napi::Env env) {
    guarded(env, [&] { gan_->pull(); });
    return *gan_;
  }

  Napi::Value GetWeights(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DcganTrainer& g = host(env);
    Napi::Object o = Napi::Object::New(env);
    o.Set("g", writeSets(env, {{&g.G, g.G.params.data()}, {&g.Gstats, g.Gstats.params.data()}}));
    o.Set("d", writeSets(env, {{&g.D, g.D.params.data()}, {&g.Dstats, g.Dstats.params.data()}}));
    return o;
  }

  void SetWeightsFrom(Napi::Env env, Napi::Value v, const std::string& what) {
    if (!v.IsObject()) typeError(env, what + " must be { g: Float32Array[], d: Float32Array[] }");
    Napi::Object o = v.As<Napi::Object>();
    DcganTrainer& g = host(env);
    checkSets(env, o.Get("g"), {&g.G, &g.Gstats}, what + ".g");
    checkSets(env, o.Get("d"), {&g.D, &g.Dstats}, what + ".d");
    readSets(o.Get("g"), {{&g.G, g.G.params.data()}, {&g.Gstats, g.Gstats.params.data()}});
    readSets(o.Get("d"), {{&g.D, g.D.params.data()}, {&g.Dstats, g.Dstats.params.data()}});
    guarded(env, [&] { g.push(); });
  }

  void SetWeights(const Napi::CallbackInfo& info) { SetWeightsFrom(info.Env(), info[0], "weights"); }

  Napi::Value GetOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DcganTrainer& n = host(env);
    auto moments = [&](const TensorSet& net) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("m", writeSets(env, {{&net, net.m.data()}}));
      o.Set("v", writeSets(env, {{&net, net.v.data()}}));
      return o;
    };
    Napi::Object o = Napi::Object::New(env);
    o.Set("step", Napi::Number::New(env, static_cast<double>(n.t)));
    o.Set("g", moments(n.G));
    o.Set("d", moments(n.D));
    return o;
  }

  void SetOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto [step, g, d] = optimizerStateArg(env, info[0]);
    DcganTrainer& n = host(env);
    checkSets(env, g.Get("m"), {&n.G}, "state.g.m");
    checkSets(env, g.Get("v"), {&n.G}, "state.g.v");
    checkSets(env, d.Get("m"), {&n.D}, "state.d.m");
    checkSets(env, d.Get("v"), {&n.D}, "state.d.v");
    readSets(g.Get("m"), {{&n.G, n.G.m.data()}});
    readSets(g.Get("v"), {{&n.G, n.G.v.data()}});
    readSets(d.Get("m"), {{&n.D, n.D.m.data()}});
    readSets(d.Get("v"), {{&n.D, n.D.v.data()}});
    n.t = step;
    guarded(env, [&] { n.push(); });
  }

  Napi::Value GradNorms(const Napi::CallbackInfo& info) {
    return numbers(info.Env(), guarded(info.Env(), [&] { return gan_->gradNorms(); }));
  }
  Napi::Value WeightNorms(const Napi::CallbackInfo& info) {
    return numbers(info.Env(), guarded(info.Env(), [&] { return gan_->weightNorms(); }));
  }
};

struct AddonData {
  Napi::FunctionReference ganCtor;
  Napi::FunctionReference dcganCtor;
};

Napi::Value CreateDcgan(const Napi::CallbackInfo& info) {
  auto* data = info.Env().GetInstanceData<AddonData>();
  return data->dcganCtor.New({info[0], info[1]});
}

Napi::Value CreateMlpGan(const Napi::CallbackInfo& info) {
  auto* data = info.Env().GetInstanceData<AddonData>();
  return data->ganCtor.New({info[0], info[1]});
}

// The CUDA backend as this process finds it (opened on first use).
Napi::Value GetCuda(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CudaStatus& c = cudaStatus();
  Napi::Object o = Napi::Object::New(env);
  o.Set("built", c.built);
  o.Set("available", c.available);
  if (c.available) o.Set("device", c.device);
  else o.Set("reason", c.reason);
  return o;
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), compute_threads()); }

void SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double n = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  if (!(n >= 1 && n <= 1024 && std::floor(n) == n)) rangeError(env, "threads must be a positive integer");
  set_compute_threads(static_cast<int>(n));
}

// Linux's SCHED_IDLE for the calling thread and the threads it starts from then on (the
// compute pool): any other thread that wakes takes the core at once, where a nice thread keeps
// it for the rest of its slice, which a burst of requests pays at every wakeup. False elsewhere.
Napi::Value IdleScheduling(const Napi::CallbackInfo& info) {
#if defined(__linux__)
  sched_param param{};
  return Napi::Boolean::New(info.Env(), sched_setscheduler(0, SCHED_IDLE, &param) == 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->ganCtor = Napi::Persistent(GanWrap::Define(env));
  data->dcganCtor = Napi::Persistent(DcganWrap::Define(env));
  env.SetInstanceData<AddonData>(data);

  blas_single_threaded();
  compute_threads();  // resolve the default (env, affinity) now
  exports.Set("version", Napi::String::New(env, kVersion));
  exports.Set("blas", Napi::String::New(env, blas_name()));
  exports.DefineProperty(Napi::PropertyDescriptor::Accessor<GetThreads>("threads", napi_enumerable));
  exports.Set("cudaStatus", Napi::Function::New<GetCuda>(env, "cudaStatus"));
  exports.Set("setThreads", Napi::Function::New<SetThreads>(env, "setThreads"));
  exports.Set("idleScheduling", Napi::Function::New<IdleScheduling>(env, "idleScheduling"));
  exports.Set("createMlpGan", Napi::Function::New<CreateMlpGan>(env, "createMlpGan"));
  exports.Set("createDcgan", Napi::Function::New<CreateDcgan>(env, "createDcgan"));
  return exports;
}

}  // namespace
}  // namespace genlab

static Napi::Object InitGenlab(Napi::Env env, Napi::Object exports) { return genlab::Init(env, exports); }

NODE_API_MODULE(genlab_native, InitGenlab)
