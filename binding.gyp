# Builds build/Release/quiver_hnsw.node (native/hnsw/README.md). npm runs `node-gyp rebuild` for
# this file on `npm ci` / `npm install` (its default install step when a package has a binding.gyp
# and no install script); a failed compile fails the install.
# hnswlib's headers come from the installed hnswlib-node package (not copied here) and are included
# as system headers so their warnings stay quiet.
{
  "variables": {
    "hnswlib_dir": "<!(node -p \"require('path').join(require('path').dirname(require.resolve('hnswlib-node/package.json')), 'src', 'hnswlib')\")",
    "addon_api_dir": "<!(node -p \"require('node-addon-api').include_dir\")"
  },
  "targets": [
    {
      "target_name": "quiver_hnsw",
      "sources": [
        "native/hnsw/addon.cc",
        "native/hnsw/allowed-rows-filter.cc",
        "native/hnsw/async-build.cc",
        "native/hnsw/async-search.cc",
        "native/hnsw/distance-kernels.cc",
        "native/hnsw/hnsw-core.cc",
        "native/hnsw/hnsw-index.cc",
        "native/hnsw/index-codec.cc",
        "native/hnsw/inline-build.cc",
        "native/hnsw/metric-space.cc",
        "native/hnsw/parallel-build.cc",
        "native/hnsw/two-hop-search.cc"
      ],
      "include_dirs": ["<(addon_api_dir)"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-isystem", "<(hnswlib_dir)"],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "-isystem", "<(hnswlib_dir)"]
          }
        }],
        ["OS=='win'", {
          "include_dirs": ["<(hnswlib_dir)"],
          "defines": ["_HAS_EXCEPTIONS=1"],
          "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] } }
        }]
      ]
    }
  ]
}
