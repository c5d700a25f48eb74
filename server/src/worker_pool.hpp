#pragma once
// A fixed set of threads running jobs from a bounded queue: the server's
// handlers (which touch the store) run here, off the I/O threads. When every
// thread is busy and the queue is full a job is refused at once, so the caller
// can answer 503 instead of letting work pile up without bound.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace perfgate::server {

class WorkerPool {
 public:
  // `threads` >= 1 workers; at most `queue_limit` jobs wait beyond those running.
  WorkerPool(std::size_t threads, std::size_t queue_limit);
  ~WorkerPool();  // Finish()es
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // A job returns what to do once its thread counts as free again (may be
  // empty): the server posts the answer there, so a client that sends its next
  // request the moment it has the answer never finds the thread still busy.
  using Job = std::function<std::function<void()>()>;

  // Queues `job`; false (and `job` dropped) when the queue is full or the pool finished.
  bool TrySubmit(Job job);
  // Runs every queued job, then joins the threads. Idempotent.
  void Finish();
  // Jobs queued or running.
  std::size_t Pending() const;

 private:
  void Work();

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::size_t running_ = 0;
  bool finishing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace perfgate::server
