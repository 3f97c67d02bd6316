#include <catch2/catch.hpp>

#include "clue_router/http/client_address.hpp"

using namespace clue_router;
using namespace clue_router::http;

namespace {

domain::IpAddress ip(std::string_view text) {
    return *domain::parse_ip_address(text);
}

std::vector<domain::IpNetwork> proxies(std::initializer_list<const char*> texts) {
    std::vector<domain::IpNetwork> out;
    for (const char* t : texts) {
        std::string why;
        out.push_back(*domain::parse_ip_network(t, why));
    }
    return out;
}

std::string client_of(const char* peer, std::vector<std::string> forwarded,
                      const std::vector<domain::IpNetwork>& trusted) {
    Request req{beast_http::verb::get, "/healthz", 11};
    for (const auto& f : forwarded) req.insert("X-Forwarded-For", f);
    return client_address(ip(peer), req, trusted).to_string();
}

}  // namespace

TEST_CASE("the client is the peer unless the peer is a trusted proxy", "[http][client]") {
    const auto none = proxies({});
    const auto proxy = proxies({"10.0.0.5", "10.0.1.0/24"});
    // Without trusted proxies, X-Forwarded-For is the client's own claim and is ignored.
    CHECK(client_of("198.51.100.7", {"203.0.113.9"}, none) == "198.51.100.7");
    CHECK(client_of("198.51.100.7", {"203.0.113.9"}, proxy) == "198.51.100.7");
    CHECK(client_of("::ffff:198.51.100.7", {}, none) == "198.51.100.7");
    // Through the proxy: the right-most address that is not a trusted proxy.
    CHECK(client_of("10.0.0.5", {"203.0.113.9"}, proxy) == "203.0.113.9");
    CHECK(client_of("10.0.0.5", {"1.1.1.1, 203.0.113.9, 10.0.1.7"}, proxy) == "203.0.113.9");
    CHECK(client_of("10.0.0.5", {"1.1.1.1", "203.0.113.9"}, proxy) == "203.0.113.9");
    CHECK(client_of("10.0.0.5", {"2001:db8::1"}, proxy) == "2001:db8::1");
    // No header, or only proxies in it: the last proxy is all that is known.
    CHECK(client_of("10.0.0.5", {}, proxy) == "10.0.0.5");
    CHECK(client_of("10.0.0.5", {"10.0.1.9"}, proxy) == "10.0.1.9");
    // Junk stops the walk at the proxy that passed it on.
    CHECK(client_of("10.0.0.5", {"1.1.1.1, junk"}, proxy) == "10.0.0.5");
    CHECK(client_of("10.0.0.5", {"203.0.113.9:4711"}, proxy) == "10.0.0.5");
}
