// HTTPS: the listener speaks TLS with a certificate from the configuration. The test makes
// its own self-signed certificate with the openssl command and talks to the real binary
// through a verifying TLS client.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/certificate.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;

namespace {

struct TlsReply {
    bool handshake_ok = false;
    int status = 0;
    std::string body;
};

// One request over a new TLS connection that trusts only `ca` and checks the host name.
TlsReply tls_request(unsigned short port, const std::string& ca, http::verb verb,
                     const std::string& target, const std::string& body = {},
                     const Headers& headers = {}) {
    asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(ca);
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(15));
    beast::get_lowest_layer(stream).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    TlsReply reply;
    beast::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return reply;
    reply.handshake_ok = true;
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "localhost");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    reply.status = static_cast<int>(res.result_int());
    reply.body = res.body();
    return reply;
}

}  // namespace

TEST_CASE("the service answers over TLS with the configured certificate", "[integration][tls]") {
    Certificate certificate;
    TestServer server(Environment{{"CLUE_ROUTER_TLS_CERTIFICATE_FILE", certificate.cert()},
                                  {"CLUE_ROUTER_TLS_PRIVATE_KEY_FILE", certificate.key()}});
    const std::string key = server.key_for(kHotline, "intake");

    TlsReply health = tls_request(server.port(), certificate.cert(), http::verb::get, "/healthz");
    REQUIRE(health.handshake_ok);
    CHECK(health.status == 200);

    TlsReply created = tls_request(server.port(), certificate.cert(), http::verb::post, "/v1/clues",
                                   make_clue("511702", "TLS-1").dump(), json_auth(key));
    CHECK(created.status == 201);
    const json reply = json::parse(created.body, nullptr, false);
    REQUIRE(reply.is_object());
    TlsReply read =
        tls_request(server.port(), certificate.cert(), http::verb::get,
                    "/v1/clues/" + reply["clue"]["id"].get<std::string>(), {}, auth(key));
    CHECK(read.status == 200);

    // A client that does not trust this certificate does not get through.
    Certificate stranger;
    CHECK_FALSE(
        tls_request(server.port(), stranger.cert(), http::verb::get, "/healthz").handshake_ok);
    // Plain HTTP on the TLS port gets no HTTP answer.
    HttpClient plain(server.port());
    bool answered = false;
    try {
        answered = plain.get("/healthz").status == 200;
    } catch (const std::exception&) {
        answered = false;
    }
    CHECK_FALSE(answered);
    CHECK(server.running());
}

TEST_CASE("a TLS configuration that is half there or unreadable is refused", "[integration][tls]") {
    Certificate certificate;
    TestServer half(Environment{{"CLUE_ROUTER_TLS_CERTIFICATE_FILE", certificate.cert()}}, false);
    RunResult r = half.cli({"serve", "--config", half.config_path()});
    REQUIRE(r.status.has_value());
    CHECK_FALSE(r.status->success());
    CHECK(r.err.find("set both") != std::string::npos);

    TestServer wrong(Environment{{"CLUE_ROUTER_TLS_CERTIFICATE_FILE", certificate.cert()},
                                 {"CLUE_ROUTER_TLS_PRIVATE_KEY_FILE", certificate.cert()}},
                     false);
    r = wrong.cli({"serve", "--config", wrong.config_path()});
    REQUIRE(r.status.has_value());
    CHECK_FALSE(r.status->success());
    CHECK(r.err.find("TLS") != std::string::npos);
}
