// Reading JavaScript arguments: each reader checks the type and range and throws ArgError naming
// the argument, so binding methods stay straight-line.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "allowed-rows-filter.h"
#include "errors.h"

namespace quiver {

inline Napi::Value argAt(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() ? info[i] : info.Env().Undefined();
}

// A non-negative integer in [min, max].
inline size_t readCount(const Napi::Value& v, const char* name, double min, double max) {
  if (!v.IsNumber()) throw ArgError(std::string(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max) || std::floor(d) != d) {
    throw ArgError(std::string(name) + " must be an integer in [" + std::to_string(static_cast<int64_t>(min)) + ", " +
                   std::to_string(static_cast<int64_t>(max)) + "], got " + std::to_string(d));
  }
  return static_cast<size_t>(d);
}

inline std::string readString(const Napi::Value& v, const char* name) {
  if (!v.IsString()) throw ArgError(std::string(name) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

template <typename T>
struct ArrayView {
  const T* data;
  size_t length;
};

template <typename T>
ArrayView<T> readTyped(const Napi::Value& v, napi_typedarray_type type, const char* name, const char* typeName) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw ArgError(std::string(name) + " must be a " + typeName);
  }
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  return {a.Data(), a.ElementLength()};
}

inline ArrayView<float> readFloats(const Napi::Value& v, const char* name) {
  return readTyped<float>(v, napi_float32_array, name, "Float32Array");
}

// A Float32Array of exactly `length` values.
inline const float* readVector(const Napi::Value& v, const char* name, size_t length) {
  const ArrayView<float> a = readFloats(v, name);
  if (a.length != length) {
    throw ArgError(std::string(name) + " has " + std::to_string(a.length) + " values, expected " + std::to_string(length));
  }
  return a.data;
}

inline ArrayView<uint8_t> readBytes(const Napi::Value& v, const char* name) {
  return readTyped<uint8_t>(v, napi_uint8_array, name, "Uint8Array");
}

// null / undefined: no filter (returns false). Uint32Array: the allowed-rows bitset words.
inline bool readAllowed(const Napi::Value& v, AllowedRows* out) {
  if (v.IsNull() || v.IsUndefined()) return false;
  const ArrayView<uint32_t> words = readTyped<uint32_t>(v, napi_uint32_array, "allowedWords", "Uint32Array or null");
  *out = AllowedRows{words.data, words.length};
  return true;
}

// undefined: false; otherwise a boolean.
inline bool readTwoHop(const Napi::Value& v) {
  if (v.IsUndefined()) return false;
  if (!v.IsBoolean()) throw ArgError("twoHop must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

}  // namespace quiver
