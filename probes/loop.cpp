#include "probes/loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "net/http_async.h"
#include "probes/loop_probes.h"

namespace greenlight::probes {

namespace asio = boost::asio;

struct ProbeLoop::Impl {
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::unique_ptr<net::ClientCache> cache = std::make_unique<net::ClientCache>();  // before ioc goes
  std::thread thread;
};

ProbeLoop::ProbeLoop() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

ProbeLoop::~ProbeLoop() {
  stop();
  impl_->cache.reset();
}

void ProbeLoop::submit(std::vector<Task> batch) {
  if (batch.empty()) return;
  asio::post(impl_->ioc, [this, batch = std::move(batch)]() mutable {
    for (Task& t : batch) t(impl_->ioc, *impl_->cache);
  });
}

void ProbeLoop::submit(net::HttpRequest req, std::function<void(net::HttpResponse)> done) {
  asio::post(impl_->ioc, [this, req = std::move(req), done = std::move(done)]() mutable {
    net::async_http(impl_->ioc, *impl_->cache, std::move(req), std::move(done));
  });
}

void ProbeLoop::submit(const model::Signal& signal, ProbeContext ctx, std::function<void(ProbeRun)> done) {
  asio::post(impl_->ioc, [this, &signal, ctx = std::move(ctx), done = std::move(done)]() mutable {
    start_probe(impl_->ioc, *impl_->cache, signal, ctx, std::move(done));
  });
}

void ProbeLoop::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

}  // namespace greenlight::probes
