// A minimal parallel loop for the projection code: `threads` workers (the caller is one of them, so
// an Emscripten main thread does its share instead of idling) each take one contiguous share of
// [0, count). The other workers are threads of one pool made on first use and kept: in a pthreads
// WebAssembly build a new thread needs the JS event loop to start, which a long synchronous call
// never returns to, so threads cannot be made per loop. One loop runs at a time; loops must not nest.
// An exception thrown by any share is rethrown on the caller after all shares have ended.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace embedlab {

class ThreadPool {
 public:
  static ThreadPool& shared() {
    static ThreadPool pool;
    return pool;
  }
  ~ThreadPool() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  // Runs job(t) for t in [0, workers): t = 0 on the caller, the others on pool threads.
  void run(std::size_t workers, const std::function<void(std::size_t)>& job) {
    const std::lock_guard<std::mutex> one_at_a_time(run_mutex_);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (threads_.size() + 1 < workers) {
        const std::size_t index = threads_.size() + 1;
        threads_.emplace_back([this, index] { loop(index); });
      }
      job_ = &job;
      workers_ = workers;
      pending_ = workers - 1;
      ++generation_;
    }
    wake_.notify_all();
    job(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  ThreadPool() = default;

  void loop(std::size_t index) {
    std::size_t seen = 0;
    for (;;) {
      const std::function<void(std::size_t)>* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || (generation_ != seen && index < workers_); });
        if (stop_) return;
        seen = generation_;
        job = job_;
      }
      (*job)(index);
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        --pending_;
      }
      done_.notify_one();
    }
  }

  std::mutex run_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t workers_ = 0, pending_ = 0, generation_ = 0;
  bool stop_ = false;
};

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
  ThreadPool::shared().run(workers, [&](std::size_t t) {
    try {
      fn(count * t / workers, count * (t + 1) / workers, static_cast<int>(t));
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace embedlab
