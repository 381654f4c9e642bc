// A minimal parallel loop for the projection code: `threads` workers (the caller is one of them, so
// an Emscripten main thread never sits idle in join()) each take one contiguous share of [0, count).
// An exception thrown by any share is rethrown on the caller after all shares have ended.
#pragma once

#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace embedlab {

// fn(begin, end, thread_id) for contiguous shares of [0, count); threads <= 1 runs inline.
template <class Fn>
void parallel_for(std::size_t count, int threads, Fn&& fn) {
  if (count == 0) return;
  std::size_t workers = threads < 1 ? 1 : static_cast<std::size_t>(threads);
  if (workers > count) workers = count;
  if (workers == 1) {
    fn(std::size_t{0}, count, 0);
    return;
  }
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto run = [&](std::size_t t) {
    try {
      fn(count * t / workers, count * (t + 1) / workers, static_cast<int>(t));
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace embedlab
