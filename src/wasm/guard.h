// Errors cross into JS as values. A C++ exception thrown through wasm frames would skip C++
// destructors and Embind's frees of the call's arguments (a leak per failed call, and with
// -fwasm-exceptions an opaque WebAssembly.Exception), so every bound function is registered as
// checked<&function>: it catches, keeps the message for takeLastError() and returns a neutral value.
// src/js/init.js wraps every method of every bound class and throws that message as an Error.
#pragma once

#include <emscripten/val.h>

#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace embedlab::wasm {

// The message of the last failed call ("" when none); take_last_error() also clears it.
inline std::string& last_error() {
  static std::string message;
  return message;
}

inline std::string take_last_error() {
  std::string message;
  message.swap(last_error());
  return message;
}

template <class R>
R neutral() {
  if constexpr (std::is_void_v<R>) {
    return;
  } else if constexpr (std::is_same_v<R, emscripten::val>) {
    return emscripten::val::undefined();
  } else {
    return R{};
  }
}

// Runs `f`, turning any exception into last_error() and a neutral result.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    last_error() = "out of memory (the WebAssembly heap is limited to 4 GB)";
  } catch (const std::length_error&) {
    last_error() = "out of memory (the WebAssembly heap is limited to 4 GB)";
  } catch (const std::exception& e) {
    last_error() = e.what();
  } catch (...) {
    last_error() = "unexpected error";
  }
  return neutral<decltype(f())>();
}

// Guard<&f>::call has the signature of `f` (member functions take the object first, as Embind
// binds them) and runs it through guarded().
template <auto F>
struct Guard;

template <class R, class... A, R (*F)(A...)>
struct Guard<F> {
  static R call(A... args) {
    return guarded([&]() -> R { return F(std::forward<A>(args)...); });
  }
};

template <class C, class R, class... A, R (C::*F)(A...)>
struct Guard<F> {
  static R call(C& self, A... args) {
    return guarded([&]() -> R { return (self.*F)(std::forward<A>(args)...); });
  }
};

template <class C, class R, class... A, R (C::*F)(A...) const>
struct Guard<F> {
  static R call(const C& self, A... args) {
    return guarded([&]() -> R { return (self.*F)(std::forward<A>(args)...); });
  }
};

template <auto F>
constexpr auto checked = &Guard<F>::call;

}  // namespace embedlab::wasm
