#include "clue_router/http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "clue_router/http/session.hpp"

namespace clue_router::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(net::io_context& ioc, ServerOptions options, RequestHandler handler)
    : ioc_(ioc),
      options_(std::move(options)),
      handler_(std::move(handler)),
      acceptor_(net::make_strand(ioc)),
      grace_timer_(acceptor_.get_executor()) {}

Server::~Server() = default;

void Server::start() {
    const tcp::endpoint endpoint{net::ip::make_address(options_.address), options_.port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    bound_port_ = acceptor_.local_endpoint().port();
    do_accept();
}

void Server::do_accept() {
    // Each connection gets its own strand: its handlers never run concurrently.
    acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec,
                                                          tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;  // shutting down
        if (!ec) {
            bool refuse = false;
            {
                std::lock_guard lock(mutex_);
                refuse = stopping_ || sessions_.size() >= options_.max_connections;
            }
            if (refuse) {
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                if (options_.tls) {
                    std::make_shared<TlsSession>(*this, std::move(socket), *options_.tls)->run();
                } else {
                    std::make_shared<PlainSession>(*this, std::move(socket))->run();
                }
            }
        } else {
            // EMFILE and friends: keep accepting; a transient error must not stop the server.
            spdlog::warn("accept failed: {}", ec.message());
        }
        bool stop;
        {
            std::lock_guard lock(mutex_);
            stop = stopping_;
        }
        if (!stop) do_accept();
    });
}

void Server::session_started(Session* s, std::weak_ptr<Session> w) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(s, std::move(w));
}

void Server::session_ended(Session* s) {
    {
        std::lock_guard lock(mutex_);
        sessions_.erase(s);
    }
    check_drained();
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> on_drained) {
    net::post(acceptor_.get_executor(), [this, grace, on_drained = std::move(on_drained)] {
        std::vector<std::shared_ptr<Session>> live;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            stopping_ = true;
            on_drained_ = on_drained;
            for (auto& [_, weak] : sessions_) {
                if (auto s = weak.lock()) live.push_back(std::move(s));
            }
        }
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        for (auto& s : live) s->close_when_idle();
        grace_timer_.expires_after(grace);
        grace_timer_.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            // Grace is over: hang up on whoever is left. Their pending operations fail at
            // once, the sessions end, and check_drained() reports the end as usual.
            std::vector<std::shared_ptr<Session>> left;
            {
                std::lock_guard lock(mutex_);
                for (auto& [_, weak] : sessions_) {
                    if (auto s = weak.lock()) left.push_back(std::move(s));
                }
            }
            if (!left.empty()) {
                spdlog::warn("shutdown grace period over; closing {} connection(s)", left.size());
            }
            for (auto& s : left) s->force_close();
        });
        check_drained();
    });
}

void Server::check_drained() {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_ || !sessions_.empty() || !on_drained_) return;
    }
    // The timer and the callback belong to the acceptor's strand.
    net::post(acceptor_.get_executor(), [this] {
        std::function<void()> done;
        {
            std::lock_guard lock(mutex_);
            if (!sessions_.empty()) return;
            done = std::exchange(on_drained_, nullptr);
        }
        if (!done) return;
        grace_timer_.cancel();
        done();
    });
}

}  // namespace clue_router::http
