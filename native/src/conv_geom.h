// The geometry of GenLab's 5×5 convolutions (header-only: the CUDA build includes it too).
#pragma once

#include "hd.h"

namespace genlab {

constexpr int kKernel = 5;

// A 5×5 convolution from a "big" map (H×W×C) to a "small" one (OH×OW×O), stride s, TF "same"
// padding. A transposed convolution is the same geometry read the other way (small → big).
struct ConvGeom {
  int H = 0, W = 0, C = 0, OH = 0, OW = 0, O = 0, s = 1, padT = 0, padL = 0;
  static ConvGeom same(int H, int W, int C, int O, int s) {
    ConvGeom g;
    g.H = H, g.W = W, g.C = C, g.O = O, g.s = s;
    g.OH = (H + s - 1) / s;
    g.OW = (W + s - 1) / s;
    // TensorFlow's "same": the total padding splits with the smaller half before.
    const int padH = (g.OH - 1) * s + kKernel - H, padW = (g.OW - 1) * s + kKernel - W;
    g.padT = (padH > 0 ? padH : 0) / 2;
    g.padL = (padW > 0 ? padW : 0) / 2;
    return g;
  }
  GL_HD int K() const { return kKernel * kKernel * C; }
  GL_HD int bigSize() const { return H * W * C; }
  GL_HD int smallPixels() const { return OH * OW; }
};

}  // namespace genlab
