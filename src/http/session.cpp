#include "clue_router/http/session.hpp"

#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <spdlog/spdlog.h>

#include "clue_router/http/asio_address.hpp"
#include "clue_router/http/framing.hpp"
#include "clue_router/http/problem.hpp"
#include "clue_router/http/server.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::http {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

std::string new_request_id() {
    return service::new_uuid_v7(service::SystemClock{}.now());
}

bool wants_continue(const Request& req) {
    const auto expect = req[beast_http::field::expect];
    return beast::iequals(expect, "100-continue");
}

template <class Stream>
constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

}  // namespace

Session::~Session() {
    server_.session_ended(this);
}

template <class Stream>
void StreamSession<Stream>::run() {
    server_.session_started(this, weak_from_this());
    // The socket was accepted on a strand (see Server::do_accept); start there.
    net::dispatch(stream_.get_executor(), [self = shared_self()] { self->start(); });
}

template <class Stream>
void StreamSession<Stream>::start() {
    beast::error_code ec;
    const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (ec) return close();  // gone already
    peer_ = to_ip_address(remote.address());
    if constexpr (kTls<Stream>) {
        // The handshake gets the header timeout: a client that connects and says nothing
        // costs no more over TLS than over plain TCP.
        beast::get_lowest_layer(stream_).expires_after(server_.options().header_timeout);
        stream_.async_handshake(net::ssl::stream_base::server,
                                [self = shared_self()](beast::error_code ec) {
                                    if (ec) return self->close();
                                    self->read_header();
                                });
    } else {
        read_header();
    }
}

template <class Stream>
void StreamSession<Stream>::close_when_idle() {
    net::dispatch(stream_.get_executor(), [self = shared_self()] {
        self->close_requested_ = true;
        // A request whose body is arriving is in flight too: let it finish.
        if (!self->busy_ && !self->receiving_) self->close();
    });
}

template <class Stream>
void StreamSession<Stream>::force_close() {
    net::dispatch(stream_.get_executor(), [self = shared_self()] { self->close(); });
}

template <class Stream>
void StreamSession<Stream>::read_header() {
    if (close_requested_) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
    parser_->body_limit(server_.options().max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(server_.options().header_timeout);
    beast_http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_self()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void StreamSession<Stream>::on_header(beast::error_code ec) {
    if (ec == beast_http::error::header_limit) return reply_and_close(headers_too_large());
    if (ec == beast_http::error::body_limit) {
        // Beast checks Content-Length against the limit while reading the header.
        return reply_and_close(payload_too_large(server_.options().max_body_bytes));
    }
    if (ec == beast_http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
        return close();
    }
    if (ec) {
        // Anything else is a request we cannot parse: say so once, then hang up, because
        // the stream's framing can no longer be trusted.
        return reply_and_close(bad_request("the request is not valid HTTP/1.1"));
    }
    receiving_ = true;
    const auto& req = parser_->get();
    // Framing the parser accepted but this server must not guess at (smuggling): say so and
    // hang up, since where this request ends is in doubt.
    if (const auto problem = framing_problem(req)) return reply_and_close(bad_request(*problem));
    std::size_t body_limit = server_.options().max_body_bytes;
    if (const auto& route_limit = server_.options().body_limit_for) {
        if (const auto smaller = route_limit(req.method(), req.target())) {
            body_limit = std::min(body_limit, *smaller);
        }
    }
    parser_->body_limit(body_limit);
    body_limit_ = body_limit;
    if (const auto length = parser_->content_length(); length && *length > body_limit) {
        // Refuse before reading a byte of it.
        return reply_and_close(payload_too_large(body_limit));
    }
    if (wants_continue(req) && !parser_->is_done()) {
        // curl and others wait (up to a second) for this before sending a large body.
        auto interim = std::make_shared<Response>(beast_http::status::continue_, req.version());
        beast::get_lowest_layer(stream_).expires_after(server_.options().write_timeout);
        beast_http::async_write(
            stream_, *interim, [self = shared_self(), interim](beast::error_code wec, std::size_t) {
                if (wec) return self->close();
                self->read_body();
            });
        return;
    }
    read_body();
}

template <class Stream>
void StreamSession<Stream>::read_body() {
    if (parser_->is_done()) return dispatch_request();
    beast::get_lowest_layer(stream_).expires_after(server_.options().body_timeout);
    beast_http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_self()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

template <class Stream>
void StreamSession<Stream>::on_body(beast::error_code ec) {
    if (ec == beast_http::error::body_limit) {
        return reply_and_close(payload_too_large(body_limit_));
    }
    if (ec == beast::error::timeout || ec == beast_http::error::end_of_stream ||
        ec == beast_http::error::partial_message || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == net::ssl::error::stream_truncated) {
        receiving_ = false;
        return close();  // the client went away or stalled mid-body: nothing to answer
    }
    if (ec) {
        return reply_and_close(bad_request("the request body is not valid HTTP/1.1"));
    }
    dispatch_request();
}

template <class Stream>
void StreamSession<Stream>::dispatch_request() {
    receiving_ = false;
    busy_.emplace(stream_.get_executor());
    beast::get_lowest_layer(stream_)
        .expires_never();  // the handler may wait for a commit; the write has its own timeout
    Request req = parser_->release();
    const bool keep_alive = req.keep_alive();
    auto sink = [self = shared_self(), keep_alive](Response&& res) {
        auto shared = std::make_shared<Response>(std::move(res));
        net::post(self->stream_.get_executor(),
                  [self, shared, keep_alive] { self->send(std::move(*shared), !keep_alive); });
    };
    try {
        server_.handler()(std::move(req), peer_, std::move(sink));
    } catch (const std::exception&) {
        // The handler threw before taking ownership of the reply; the Exchange it built
        // answers 500 from its destructor.
    }
}

template <class Stream>
void StreamSession<Stream>::send(Response&& response, bool close_after) {
    const bool close = close_after || close_requested_ || server_.stopping();
    response.keep_alive(!close);
    response.prepare_payload();
    in_write_ = std::make_shared<Response>(std::move(response));
    beast::get_lowest_layer(stream_).expires_after(server_.options().write_timeout);
    beast_http::async_write(stream_, *in_write_,
                            [self = shared_self(), close](beast::error_code ec, std::size_t) {
                                self->on_write(ec, close);
                            });
}

template <class Stream>
void StreamSession<Stream>::on_write(beast::error_code ec, bool close_after) {
    in_write_.reset();
    busy_.reset();
    if (ec || close_after) return close();
    read_header();
}

template <class Stream>
void StreamSession<Stream>::reply_and_close(const Problem& problem) {
    // Answered by the session itself, before any handler: still one reply with a request
    // id and one access-log line, like every other.
    receiving_ = false;
    busy_.emplace(stream_.get_executor());
    const std::string id = new_request_id();
    Response res = make_problem_response(problem, 11, id);
    res.set("X-Request-Id", id);
    res.set(beast_http::field::cache_control, "no-store");
    spdlog::info("request id={} method=- route=- status={} duration_ms=0 agency=-", id,
                 problem.status);
    send(std::move(res), true);
}

template <class Stream>
void StreamSession<Stream>::close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    // Over TLS this skips close_notify: the HTTP framing already says where a reply ends.
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
}

template class StreamSession<beast::tcp_stream>;
template class StreamSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace clue_router::http
