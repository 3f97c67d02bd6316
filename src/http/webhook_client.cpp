#include "clue_router/http/webhook_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace clue_router::http {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// Receivers answer with a status; a body is not needed and is not read past the headers.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

class Attempt : public std::enable_shared_from_this<Attempt> {
  public:
    Attempt(net::io_context& ioc, OutboundRequest request, std::chrono::milliseconds timeout,
            std::function<void(OutboundResult)> done)
        : strand_(net::make_strand(ioc)),
          resolver_(strand_),
          stream_(strand_),
          deadline_(strand_),
          outbound_(std::move(request)),
          timeout_(timeout),
          done_(std::move(done)) {}

    void run() {
        net::dispatch(strand_, [self = shared_from_this()] { self->start(); });
    }

  private:
    void start() {
        deadline_.expires_after(timeout_);
        deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;  // cancelled: the attempt ended first
            self->timed_out_ = true;
            self->resolver_.cancel();
            beast::error_code ignored;
            self->stream_.socket().close(ignored);
        });
        request_.method(bhttp::verb::post);
        request_.target(outbound_.url.target);
        request_.version(11);
        const bool default_port = outbound_.url.port == 80;
        const bool v6 = outbound_.url.host.find(':') != std::string::npos;
        const std::string host = v6 ? "[" + outbound_.url.host + "]" : outbound_.url.host;
        request_.set(bhttp::field::host,
                     default_port ? host : host + ":" + std::to_string(outbound_.url.port));
        request_.set(bhttp::field::user_agent, "clue-router-webhooks/1");
        request_.set(bhttp::field::content_type, "application/json");
        request_.set(bhttp::field::connection, "close");
        for (const auto& [name, value] : outbound_.headers) request_.set(name, value);
        request_.body() = std::move(outbound_.body);
        request_.prepare_payload();
        resolver_.async_resolve(
            outbound_.url.host, std::to_string(outbound_.url.port),
            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                self->on_resolve(ec, std::move(results));
            });
    }

    void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return finish(std::nullopt, "resolve", ec);
        stream_.async_connect(
            results, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->finish(std::nullopt, "connect", ec);
                bhttp::async_write(self->stream_, self->request_,
                                   [self](beast::error_code ec, std::size_t) {
                                       if (ec) return self->finish(std::nullopt, "write", ec);
                                       self->read();
                                   });
            });
    }

    void read() {
        parser_.header_limit(kMaxHeaderBytes);
        bhttp::async_read_header(stream_, buffer_, parser_,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->finish(std::nullopt, "read", ec);
                                     const auto& res = self->parser_.get();
                                     self->retry_after_ =
                                         std::string(res[bhttp::field::retry_after]);
                                     self->finish(res.result_int(), nullptr, {});
                                 });
    }

    void finish(std::optional<unsigned> status, const char* step, beast::error_code ec) {
        if (finished_) return;
        finished_ = true;
        deadline_.cancel();
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
        OutboundResult result;
        if (status) {
            result.status = static_cast<int>(*status);
            result.retry_after = std::move(retry_after_);
        } else if (timed_out_) {
            result.error = "timeout";
        } else {
            result.error = std::string(step) + ": " + ec.message();
        }
        auto done = std::move(done_);
        done(std::move(result));
    }

    net::strand<net::io_context::executor_type> strand_;
    tcp::resolver resolver_;
    beast::tcp_stream stream_;
    net::steady_timer deadline_;
    OutboundRequest outbound_;
    std::chrono::milliseconds timeout_;
    std::function<void(OutboundResult)> done_;
    bhttp::request<bhttp::string_body> request_;
    bhttp::response_parser<bhttp::empty_body> parser_;
    beast::flat_buffer buffer_;
    std::string retry_after_;
    bool timed_out_ = false;
    bool finished_ = false;
};

}  // namespace

void send_webhook(net::io_context& ioc, OutboundRequest request, std::chrono::milliseconds timeout,
                  std::function<void(OutboundResult)> done) {
    std::make_shared<Attempt>(ioc, std::move(request), timeout, std::move(done))->run();
}

}  // namespace clue_router::http
