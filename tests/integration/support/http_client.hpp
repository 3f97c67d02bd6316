#pragma once
// A small synchronous HTTP/1.1 client for the integration tests (Boost.Beast). One
// connection, kept alive between requests and reopened when the server closed it. Every
// operation has a deadline, so a hung server fails a test instead of hanging it.
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "integration/support/exchange_log.hpp"

namespace clue_router::it {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;

// Header names compared without regard to case.
struct CaseInsensitiveLess {
    bool operator()(const std::string& a, const std::string& b) const {
        return std::lexicographical_compare(
            a.begin(), a.end(), b.begin(), b.end(),
            [](unsigned char x, unsigned char y) { return std::tolower(x) < std::tolower(y); });
    }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
    int status = 0;
    std::multimap<std::string, std::string, CaseInsensitiveLess> headers;
    std::string body;
    bool keep_alive = true;

    bool has_header(const std::string& name) const { return headers.count(name) > 0; }
    // The first value of a header, or "" when absent.
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    // The body as JSON; a null json when it is not JSON.
    nlohmann::json json() const {
        auto j = nlohmann::json::parse(body, nullptr, false);
        return j.is_discarded() ? nlohmann::json() : j;
    }
};

// Something a test can print when an assertion about a response fails.
inline std::string describe(const Response& r) {
    std::string out = "HTTP " + std::to_string(r.status) + "\n";
    for (const auto& [k, v] : r.headers) out += k + ": " + v + "\n";
    out += "\n" + r.body.substr(0, 4000);
    return out;
}

class HttpClient {
  public:
    explicit HttpClient(unsigned short port, std::string host = "127.0.0.1",
                        std::chrono::milliseconds timeout = std::chrono::seconds(15))
        : host_(std::move(host)), port_(port), timeout_(timeout), stream_(ioc_) {}

    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    ~HttpClient() { close(); }

    unsigned short port() const { return port_; }
    // Points the client at another port (after a server restart); drops the connection.
    void set_port(unsigned short port) {
        if (port != port_) {
            close();
            port_ = port;
        }
    }
    // How many TCP connections this client opened; a test of keep-alive can look.
    int connections_opened() const { return connections_; }

    Response request(http::verb method, const std::string& target, const std::string& body = {},
                     const Headers& headers = {}) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, host_ + ":" + std::to_string(port_));
        req.set(http::field::user_agent, "clue-router-integration-tests");
        for (const auto& [name, value] : headers) req.set(name, value);
        if (!body.empty() || method == http::verb::post || method == http::verb::put ||
            method == http::verb::patch) {
            req.body() = body;
            req.prepare_payload();
        }
        req.keep_alive(true);

        // A kept-alive connection the server has closed fails on first use; one new
        // connection is tried then. A failure on a fresh connection is a real failure.
        for (int attempt = 0;; ++attempt) {
            bool fresh = false;
            if (!connected_) {
                connect();
                fresh = true;
            }
            beast::error_code ec;
            Response r = exchange(req, ec);
            if (!ec) {
                ExchangeLog::instance().record(port_, std::string(http::to_string(method)), target,
                                               r.status, r.headers, r.body, false);
                return r;
            }
            close();
            if (fresh || attempt > 0) {
                throw std::runtime_error("HTTP " + std::string(http::to_string(method)) + " " +
                                         target + ": " + ec.message());
            }
        }
    }

    Response get(const std::string& target, const Headers& headers = {}) {
        return request(http::verb::get, target, {}, headers);
    }
    Response post(const std::string& target, const std::string& body, const Headers& headers = {}) {
        return request(http::verb::post, target, body, headers);
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
        connected_ = false;
    }

  private:
    void connect() {
        tcp::endpoint ep(asio::ip::make_address(host_), port_);
        beast::error_code result = asio::error::would_block;
        stream_.expires_after(timeout_);
        stream_.async_connect(ep, [&](beast::error_code ec) { result = ec; });
        run();
        if (result) {
            close();
            throw std::runtime_error("connect to " + host_ + ":" + std::to_string(port_) + ": " +
                                     result.message());
        }
        connected_ = true;
        ++connections_;
        buffer_.consume(buffer_.size());
    }

    Response exchange(http::request<http::string_body>& req, beast::error_code& ec) {
        beast::error_code wec = asio::error::would_block;
        stream_.expires_after(timeout_);
        http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { wec = e; });
        run();
        if (wec) {
            ec = wec;
            return {};
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        if (req.method() == http::verb::head) parser.skip(true);
        beast::error_code rec = asio::error::would_block;
        stream_.expires_after(timeout_);
        http::async_read(stream_, buffer_, parser,
                         [&](beast::error_code e, std::size_t) { rec = e; });
        run();
        if (rec) {
            ec = rec;
            return {};
        }
        auto msg = parser.release();
        Response r;
        r.status = static_cast<int>(msg.result_int());
        for (const auto& field : msg) {
            r.headers.emplace(std::string(field.name_string()), std::string(field.value()));
        }
        r.body = std::move(msg.body());
        r.keep_alive = msg.keep_alive();
        if (!r.keep_alive) close();
        return r;
    }

    void run() {
        ioc_.restart();
        ioc_.run();
    }

    std::string host_;
    unsigned short port_;
    std::chrono::milliseconds timeout_;
    asio::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    bool connected_ = false;
    int connections_ = 0;
};

// Records the replies in the bytes a raw exchange received (interim 1xx replies aside), each
// under the first request line of what was sent ("" when it has none): a malformed request
// is still answered as the document says (docs/openapi.json).
inline void record_raw_replies(unsigned short port, const std::string& sent,
                               const std::string& received) {
    std::string method;
    std::string target;
    if (const auto eol = sent.find("\r\n"); eol != std::string::npos) {
        const std::string line = sent.substr(0, eol);
        const auto space = line.find(' ');
        const auto second = space == std::string::npos ? space : line.find(' ', space + 1);
        if (second != std::string::npos) {
            method = line.substr(0, space);
            target = line.substr(space + 1, second - space - 1);
        }
    }
    std::string_view rest = received;
    while (!rest.empty()) {
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        parser.body_limit(64 * 1024 * 1024);
        beast::error_code ec;
        const std::size_t used = parser.put(asio::buffer(rest.data(), rest.size()), ec);
        if (ec || !parser.is_done()) {
            // A reply without a length ends with the connection.
            if (ec || !parser.is_header_done()) return;
            parser.put_eof(ec);
            if (ec) return;
        }
        rest.remove_prefix(used);
        auto msg = parser.release();
        std::vector<std::pair<std::string, std::string>> fields;
        for (const auto& field : msg) {
            fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
        if (msg.result_int() >= 200) {
            ExchangeLog::instance().record(port, method, target, static_cast<int>(msg.result_int()),
                                           fields, msg.body(), true);
        }
        if (used == 0) return;
    }
}

// Sends arbitrary bytes on a fresh connection and returns everything the server sends back
// until it closes the connection or the timeout passes (for malformed HTTP).
inline std::string raw_exchange(unsigned short port, const std::string& bytes,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                bool half_close = false) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    beast::error_code ec;
    stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                         [&](beast::error_code e) { ec = e; });
    ioc.run();
    if (ec) throw std::runtime_error("raw connect: " + ec.message());

    std::string received;
    std::array<char, 4096> chunk{};
    std::function<void()> read_more = [&] {
        stream.async_read_some(asio::buffer(chunk), [&](beast::error_code e, std::size_t n) {
            received.append(chunk.data(), n);
            if (!e) read_more();
        });
    };
    asio::async_write(stream, asio::buffer(bytes), [&](beast::error_code, std::size_t) {
        if (half_close) {
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
    });
    read_more();
    ioc.restart();
    ioc.run();  // ends when the server closes, or when the deadline cancels the read
    record_raw_replies(port, bytes, received);
    return received;
}

// The status code of a raw HTTP response ("HTTP/1.1 400 Bad Request…" → 400); 0 if none.
inline int raw_status(const std::string& response) {
    if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
    try {
        return std::stoi(response.substr(9, 3));
    } catch (...) {
        return 0;
    }
}

}  // namespace clue_router::it
