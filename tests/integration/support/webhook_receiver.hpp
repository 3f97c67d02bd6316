#pragma once
// A scriptable webhook receiver for failure tests: a loopback HTTP server on its own thread
// that records every request it reads and answers as the test says — 204, 500, 410, slowly,
// or not at all (stopped: connections are refused). One request at a time, like a small
// partner system.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "integration/support/exchange_log.hpp"

namespace clue_router::it {

struct ReceivedWebhook {
    std::string id;
    std::string timestamp;
    std::string signature;
    std::string body;
    int answered = 0;

    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    // One line of the file tests/interop/standard_webhooks.mjs verifies.
    std::string jsonl() const {
        return nlohmann::json{
                   {"id", id}, {"timestamp", timestamp}, {"signature", signature}, {"body", body}}
                   .dump() +
               "\n";
    }
};

class WebhookReceiver {
  public:
    enum class Mode { ok, fail_500, gone_410, slow };

    // port 0: any free port, kept across stop()/start().
    explicit WebhookReceiver(unsigned short port = 0) : port_(port) { start(); }
    ~WebhookReceiver() { stop(); }

    unsigned short port() const { return port_; }
    std::string url(const std::string& path = "/hooks") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    void set_mode(Mode m) { mode_ = m; }
    // Called on the receiver's thread as each request is recorded, before it is answered.
    void set_on_request(std::function<void()> f) {
        std::lock_guard lock(mutex_);
        on_request_ = std::move(f);
    }
    void set_slow_delay(std::chrono::milliseconds d) { slow_delay_ms_ = d.count(); }

    // Starts listening (again, on the same port).
    void start() {
        if (thread_.joinable()) return;
        running_ = true;
        acceptor_.emplace(ioc_);
        tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), port_);
        acceptor_->open(at.protocol());
        acceptor_->set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_->bind(at);
        acceptor_->listen();
        acceptor_->non_blocking(true);
        port_ = acceptor_->local_endpoint().port();
        thread_ = std::thread([this] { loop(); });
    }

    // Stops listening: from now on connections are refused.
    void stop() {
        running_ = false;
        if (thread_.joinable()) thread_.join();
        if (acceptor_) {
            boost::system::error_code ec;
            acceptor_->close(ec);
            acceptor_.reset();
        }
    }

    std::vector<ReceivedWebhook> received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    // Only the requests answered 2xx, in arrival order.
    std::vector<ReceivedWebhook> accepted() const {
        std::vector<ReceivedWebhook> out;
        for (auto& r : received()) {
            if (r.answered >= 200 && r.answered < 300) out.push_back(r);
        }
        return out;
    }

    // Waits until `pred(received())` holds, up to `limit`; returns whether it did.
    template <class Pred>
    bool wait_until(Pred pred, std::chrono::seconds limit = std::chrono::seconds(60)) const {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (pred(received())) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return pred(received());
    }

  private:
    using tcp = boost::asio::ip::tcp;

    void loop() {
        while (running_) {
            boost::system::error_code ec;
            tcp::socket socket(ioc_);
            acceptor_->accept(socket, ec);
            if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                continue;
            }
            if (ec) continue;
            serve(socket);
        }
    }

    void serve(tcp::socket& socket) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> req;
        boost::system::error_code ec;
        socket.non_blocking(false, ec);
        http::read(socket, buffer, req, ec);
        if (ec) return;
        {
            std::vector<std::pair<std::string, std::string>> fields;
            for (const auto& field : req) {
                fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
            }
            ExchangeLog::instance().record_webhook(fields, req.body());
        }
        const Mode mode = mode_;
        int status = 204;
        if (mode == Mode::fail_500) status = 500;
        if (mode == Mode::gone_410) status = 410;
        std::function<void()> on_request;
        {
            std::lock_guard lock(mutex_);
            received_.push_back({std::string(req["webhook-id"]),
                                 std::string(req["webhook-timestamp"]),
                                 std::string(req["webhook-signature"]), req.body(), status});
            on_request = on_request_;
        }
        if (on_request) on_request();
        if (mode == Mode::slow) {
            // Holds the connection past the sender's timeout; the sender hangs up first. The
            // request is recorded as not accepted.
            std::lock_guard lock(mutex_);
            received_.back().answered = 0;
        }
        if (mode == Mode::slow) {
            const auto until =
                std::chrono::steady_clock::now() + std::chrono::milliseconds(slow_delay_ms_.load());
            while (running_ && std::chrono::steady_clock::now() < until) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            socket.close(ec);
            return;
        }
        http::response<http::empty_body> res{static_cast<http::status>(status), req.version()};
        res.set(http::field::connection, "close");
        res.prepare_payload();
        http::write(socket, res, ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
    }

    boost::asio::io_context ioc_;
    std::optional<tcp::acceptor> acceptor_;
    unsigned short port_;
    std::atomic<bool> running_{false};
    std::atomic<Mode> mode_{Mode::ok};
    std::atomic<long long> slow_delay_ms_{3000};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<ReceivedWebhook> received_;
    std::function<void()> on_request_;
};

// A receiver that accepts every connection and never answers, as a partner's system that
// hangs: each attempt runs into the sender's timeout. Counts the connections it accepted.
class StallingReceiver {
  public:
    StallingReceiver() {
        tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(at.protocol());
        acceptor_.bind(at);
        acceptor_.listen();
        acceptor_.non_blocking(true);
        thread_ = std::thread([this] { loop(); });
    }
    ~StallingReceiver() {
        running_ = false;
        thread_.join();
    }
    std::string url(const std::string& path = "/stall") const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
    }
    int accepted() const { return accepted_.load(); }

  private:
    using tcp = boost::asio::ip::tcp;
    void loop() {
        while (running_) {
            boost::system::error_code ec;
            tcp::socket socket(ioc_);
            acceptor_.accept(socket, ec);
            if (ec) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                continue;
            }
            held_.push_back(std::move(socket));  // open, unread, until the sender gives up
            ++accepted_;
        }
    }

    boost::asio::io_context ioc_;
    tcp::acceptor acceptor_{ioc_};
    std::vector<tcp::socket> held_;
    std::atomic<int> accepted_{0};
    std::atomic<bool> running_{true};
    std::thread thread_;
};

}  // namespace clue_router::it
