#include "clue_router/http/webhook_client.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "clue_router/http/asio_address.hpp"

namespace clue_router::http {

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// Receivers answer with a status; a body is not needed and is not read past the headers.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Attempt : public std::enable_shared_from_this<Attempt<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  public:
    Attempt(net::io_context& ioc, std::shared_ptr<ssl::context> tls,
            std::shared_ptr<const domain::AddressPolicy> policy, OutboundRequest request,
            std::chrono::milliseconds timeout, std::function<void(OutboundResult)> done)
        : strand_(net::make_strand(ioc)),
          tls_(std::move(tls)),
          policy_(std::move(policy)),
          resolver_(strand_),
          stream_(make_stream()),
          deadline_(strand_),
          outbound_(std::move(request)),
          timeout_(timeout),
          done_(std::move(done)) {}

    void run() {
        net::dispatch(strand_, [self = this->shared_from_this()] { self->start(); });
    }

  private:
    Stream make_stream() {
        if constexpr (kTls) {
            return Stream(strand_, *tls_);
        } else {
            return Stream(strand_);
        }
    }

    void start() {
        deadline_.expires_after(timeout_);
        deadline_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return;  // cancelled: the attempt ended first
            self->timed_out_ = true;
            self->resolver_.cancel();
            beast::error_code ignored;
            beast::get_lowest_layer(self->stream_).socket().close(ignored);
        });
        request_.method(bhttp::verb::post);
        request_.target(outbound_.url.target);
        request_.version(11);
        const bool v6 = outbound_.url.host.find(':') != std::string::npos;
        const std::string host = v6 ? "[" + outbound_.url.host + "]" : outbound_.url.host;
        request_.set(bhttp::field::host, outbound_.url.default_port()
                                             ? host
                                             : host + ":" + std::to_string(outbound_.url.port));
        request_.set(bhttp::field::user_agent, "clue-router-webhooks/1");
        request_.set(bhttp::field::content_type, "application/json");
        request_.set(bhttp::field::connection, "close");
        for (const auto& [name, value] : outbound_.headers) request_.set(name, value);
        request_.body() = std::move(outbound_.body);
        request_.prepare_payload();
        if constexpr (kTls) {
            if (auto refused = prepare_tls()) return finish(std::nullopt, "tls", *refused);
        }
        resolver_.async_resolve(outbound_.url.host, std::to_string(outbound_.url.port),
                                [self = this->shared_from_this()](
                                    beast::error_code ec, tcp::resolver::results_type results) {
                                    self->on_resolve(ec, std::move(results));
                                });
    }

    // The name the certificate must carry, and SNI so that a shared host picks the right one.
    std::optional<beast::error_code> prepare_tls() {
        const std::string& host = outbound_.url.host;
        beast::error_code not_an_address;
        net::ip::make_address(host, not_an_address);
        if (not_an_address &&
            SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str()) != 1) {
            return beast::error_code(static_cast<int>(::ERR_get_error()),
                                     net::error::get_ssl_category());
        }
        stream_.set_verify_mode(ssl::verify_peer);
        stream_.set_verify_callback(ssl::host_name_verification(host));
        return std::nullopt;
    }

    bool allowed(const tcp::endpoint& endpoint) const {
        return policy_->allows(to_ip_address(endpoint.address()));
    }

    void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return finish(std::nullopt, "resolve", ec);
        // Only the allowed addresses are tried; the rest are never connected to, so neither
        // an answer nor a refusal from them can be observed.
        std::vector<tcp::endpoint> endpoints;
        for (const auto& entry : results) {
            if (allowed(entry.endpoint())) endpoints.push_back(entry.endpoint());
        }
        if (endpoints.empty()) return refuse_address();
        beast::get_lowest_layer(stream_).async_connect(
            endpoints, [self = this->shared_from_this()](beast::error_code ec,
                                                         const tcp::endpoint& connected) {
                if (ec) return self->finish(std::nullopt, "connect", ec);
                // The peer actually reached, judged again before a byte is sent.
                if (!self->allowed(connected)) return self->refuse_address();
                if constexpr (kTls) {
                    self->stream_.async_handshake(
                        ssl::stream_base::client, [self](beast::error_code ec) {
                            if (ec) {
                                return self->finish(std::nullopt, "handshake", ec);
                            }
                            self->write();
                        });
                } else {
                    self->write();
                }
            });
    }

    void write() {
        bhttp::async_write(stream_, request_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->finish(std::nullopt, "write", ec);
                               self->read();
                           });
    }

    void read() {
        parser_.header_limit(kMaxHeaderBytes);
        bhttp::async_read_header(
            stream_, buffer_, parser_,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->finish(std::nullopt, "read", ec);
                const auto& res = self->parser_.get();
                self->retry_after_ = std::string(res[bhttp::field::retry_after]);
                self->finish(res.result_int(), nullptr, {});
            });
    }

    void refuse_address() {
        refused_address_ = true;
        finish(std::nullopt, "connect", {});
    }

    // The receiver has answered (or failed); the connection is simply closed. A TLS
    // close_notify would wait on a peer that may never answer it, and nothing more is read.
    void finish(std::optional<unsigned> status, const char* step, beast::error_code ec) {
        if (finished_) return;
        finished_ = true;
        deadline_.cancel();
        beast::error_code ignored;
        auto& socket = beast::get_lowest_layer(stream_).socket();
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        OutboundResult result;
        if (status) {
            result.status = static_cast<int>(*status);
            result.retry_after = std::move(retry_after_);
        } else if (refused_address_) {
            result.error = kAddressNotAllowed;
        } else if (timed_out_) {
            result.error = "timeout";
        } else {
            result.error = std::string(step) + ": " + ec.message();
        }
        auto done = std::move(done_);
        done(std::move(result));
    }

    net::strand<net::io_context::executor_type> strand_;
    std::shared_ptr<ssl::context> tls_;  // kept alive for the stream's SSL object
    std::shared_ptr<const domain::AddressPolicy> policy_;
    tcp::resolver resolver_;
    Stream stream_;
    net::steady_timer deadline_;
    OutboundRequest outbound_;
    std::chrono::milliseconds timeout_;
    std::function<void(OutboundResult)> done_;
    bhttp::request<bhttp::string_body> request_;
    bhttp::response_parser<bhttp::empty_body> parser_;
    beast::flat_buffer buffer_;
    std::string retry_after_;
    bool timed_out_ = false;
    bool refused_address_ = false;
    bool finished_ = false;
};

}  // namespace

std::shared_ptr<ssl::context> make_webhook_tls_context(const std::string& extra_ca_file) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    // TLS 1.2 is the floor (RFC 8996 deprecates 1.0 and 1.1); compression is off (CRIME).
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    context->set_verify_mode(ssl::verify_peer);
    context->set_default_verify_paths();
    if (!extra_ca_file.empty()) {
        // Say which of the usual mistakes it is: OpenSSL reports them all alike.
        const auto refuse = [&](const std::string& why) {
            throw std::runtime_error("webhook_ca_file " + extra_ca_file +
                                     " cannot be read: " + why);
        };
        std::error_code fs_error;
        const auto status = std::filesystem::status(extra_ca_file, fs_error);
        if (!std::filesystem::exists(status)) refuse("no such file");
        if (!std::filesystem::is_regular_file(status)) refuse("not a regular file");
        if (!std::ifstream(extra_ca_file)) refuse(std::strerror(errno));
        beast::error_code ec;
        context->load_verify_file(extra_ca_file, ec);
        if (ec) refuse("it holds no PEM certificate OpenSSL accepts");
    }
    return context;
}

void send_webhook(net::io_context& ioc, std::shared_ptr<ssl::context> tls,
                  std::shared_ptr<const domain::AddressPolicy> policy, OutboundRequest request,
                  std::chrono::milliseconds timeout, std::function<void(OutboundResult)> done) {
    if (!policy) throw std::logic_error("a delivery needs an address policy");
    if (request.url.tls()) {
        if (!tls) throw std::logic_error("an https delivery needs a TLS context");
        std::make_shared<Attempt<TlsStream>>(ioc, std::move(tls), std::move(policy),
                                             std::move(request), timeout, std::move(done))
            ->run();
    } else {
        std::make_shared<Attempt<PlainStream>>(ioc, nullptr, std::move(policy), std::move(request),
                                               timeout, std::move(done))
            ->run();
    }
}

}  // namespace clue_router::http
