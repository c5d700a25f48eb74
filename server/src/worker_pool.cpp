#include "worker_pool.hpp"

#include <algorithm>

namespace perfgate::server {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_limit) : queue_limit_(queue_limit) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Finish(); }

bool WorkerPool::TrySubmit(Job job) {
  {
    std::lock_guard lock(mutex_);
    // A job waits only when no thread is free and the queue has room.
    std::size_t idle = threads_.size() - std::min(running_, threads_.size());
    if (finishing_ || queue_.size() >= queue_limit_ + idle) return false;
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::Finish() {
  {
    std::lock_guard lock(mutex_);
    if (finishing_ && threads_.empty()) return;
    finishing_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  std::lock_guard lock(mutex_);
  threads_.clear();
}

std::size_t WorkerPool::Pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + running_;
}

void WorkerPool::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return finishing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // finishing, nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    std::function<void()> then = job();
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    if (then) then();
  }
}

}  // namespace perfgate::server
