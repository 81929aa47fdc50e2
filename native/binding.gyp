{
  "targets": [
    {
      "target_name": "genlab_native",
      "sources": [
        "src/gemm.cc",
        "src/dense.cc",
        "src/adam.cc",
        "src/parallel.cc",
        "src/mlp_gan.cc",
        "src/conv.cc",
        "src/dcgan.cc",
        "src/cuda_library.cc",
        "src/binding.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "/usr/include/openblas",
        "/usr/local/include/openblas"
      ],
      "libraries": ["-lopenblas", "-lpthread", "-ldl"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20", "-fno-exceptions", "-O2"],
      "cflags!": ["-O2", "-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-fexceptions", "-Wall", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math"]
      }
    }
  ]
}
