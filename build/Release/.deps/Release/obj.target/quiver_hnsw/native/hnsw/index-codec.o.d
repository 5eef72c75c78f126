cmd_Release/obj.target/quiver_hnsw/native/hnsw/index-codec.o := g++ -o Release/obj.target/quiver_hnsw/native/hnsw/index-codec.o ../native/hnsw/index-codec.cc '-DNODE_GYP_MODULE_NAME=quiver_hnsw' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DNAPI_VERSION=8' '-DNAPI_DISABLE_CPP_EXCEPTIONS' '-DNODE_ADDON_API_DISABLE_DEPRECATED' '-DBUILDING_NODE_EXTENSION' -I/usr/include/node -I/usr/src -I/usr/deps/openssl/config -I/usr/deps/openssl/openssl/include -I/usr/deps/uv/include -I/usr/deps/zlib -I/usr/deps/v8/include -I../node_modules/node-addon-api  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -O3 -fno-omit-frame-pointer -fno-rtti -std=c++17 -fexceptions -O3 -isystem /work/main/node_modules/hnswlib-node/src/hnswlib -MMD -MF ./Release/.deps/Release/obj.target/quiver_hnsw/native/hnsw/index-codec.o.d.raw   -c
Release/obj.target/quiver_hnsw/native/hnsw/index-codec.o: \
 ../native/hnsw/index-codec.cc ../native/hnsw/index-codec.h \
 ../native/hnsw/hnsw-core.h ../native/hnsw/allowed-rows-filter.h \
 ../native/hnsw/metric-space.h ../native/hnsw/distance-kernels.h \
 ../native/hnsw/errors.h
../native/hnsw/index-codec.cc:
../native/hnsw/index-codec.h:
../native/hnsw/hnsw-core.h:
../native/hnsw/allowed-rows-filter.h:
../native/hnsw/metric-space.h:
../native/hnsw/distance-kernels.h:
../native/hnsw/errors.h:
