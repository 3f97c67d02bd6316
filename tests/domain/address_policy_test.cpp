// Where webhooks may go (issue 14, item 2): every spelling of a refused address is refused,
// whatever the route it takes to the same bytes.
#include <catch2/catch.hpp>

#include "clue_router/domain/address_policy.hpp"
#include "clue_router/domain/http_url.hpp"

using namespace clue_router::domain;

namespace {

IpAddress ip(std::string_view text) {
    const auto a = parse_ip_address(text);
    INFO(text);
    REQUIRE(a);
    return *a;
}

std::vector<IpNetwork> nets(std::initializer_list<const char*> texts) {
    std::vector<IpNetwork> out;
    for (const char* t : texts) {
        std::string why;
        out.push_back(*parse_ip_network(t, why));
    }
    return out;
}

// What the policy says of a URL's host at registration; "" when allowed or not judged.
std::string url_refusal(const AddressPolicy& policy, std::string_view url_text) {
    std::string why;
    const auto url = parse_http_url(url_text, why);
    INFO(url_text << ": " << why);
    REQUIRE(url);
    const auto kind = policy.refusal_of_host(*url);
    return kind ? std::string(to_string(*kind)) : "";
}

}  // namespace

TEST_CASE("addresses are classified by IANA's special-purpose registries", "[domain][address]") {
    CHECK(classify(ip("8.8.8.8")) == AddressKind::global);
    CHECK(classify(ip("2400:3200::1")) == AddressKind::global);
    CHECK(classify(ip("127.0.0.1")) == AddressKind::loopback);
    CHECK(classify(ip("127.255.0.9")) == AddressKind::loopback);
    CHECK(classify(ip("::1")) == AddressKind::loopback);
    CHECK(classify(ip("10.2.3.4")) == AddressKind::private_use);
    CHECK(classify(ip("172.16.0.1")) == AddressKind::private_use);
    CHECK(classify(ip("172.32.0.1")) == AddressKind::global);
    CHECK(classify(ip("192.168.1.1")) == AddressKind::private_use);
    CHECK(classify(ip("100.64.0.1")) == AddressKind::private_use);
    CHECK(classify(ip("fd12::1")) == AddressKind::private_use);
    CHECK(classify(ip("169.254.1.1")) == AddressKind::link_local);
    CHECK(classify(ip("fe80::1")) == AddressKind::link_local);
    CHECK(classify(ip("0.0.0.0")) == AddressKind::unspecified);
    CHECK(classify(ip("0.1.2.3")) == AddressKind::unspecified);
    CHECK(classify(ip("::")) == AddressKind::unspecified);
    CHECK(classify(ip("224.0.0.1")) == AddressKind::multicast);
    CHECK(classify(ip("ff02::1")) == AddressKind::multicast);
    CHECK(classify(ip("255.255.255.255")) == AddressKind::broadcast);
    CHECK(classify(ip("169.254.169.254")) == AddressKind::metadata);
    CHECK(classify(ip("100.100.100.200")) == AddressKind::metadata);
    CHECK(classify(ip("fd00:ec2::254")) == AddressKind::metadata);
    CHECK(classify(ip("192.0.2.1")) == AddressKind::special);
    CHECK(classify(ip("198.18.0.1")) == AddressKind::special);
    CHECK(classify(ip("240.0.0.1")) == AddressKind::special);
    CHECK(classify(ip("2001:db8::1")) == AddressKind::special);
    CHECK(classify(ip("::127.0.0.1")) == AddressKind::special);  // IPv4-compatible
    CHECK(classify(ip("4000::1")) == AddressKind::special);      // outside 2000::/3
    // Addresses that lead to an IPv4 address are what they lead to.
    CHECK(classify(ip("::ffff:127.0.0.1")) == AddressKind::loopback);
    CHECK(classify(ip("::ffff:169.254.169.254")) == AddressKind::metadata);
    CHECK(classify(ip("64:ff9b::7f00:1")) == AddressKind::loopback);
    CHECK(classify(ip("64:ff9b::808:808")) == AddressKind::global);
    CHECK(classify(ip("2002:7f00:1::")) == AddressKind::loopback);
    CHECK(classify(ip("2002:a9fe:a9fe::1")) == AddressKind::metadata);
}

TEST_CASE("hardening 2: by default only public addresses take webhooks",
          "[domain][address][hardening]") {
    const AddressPolicy policy;
    CHECK(policy.allows(ip("8.8.8.8")));
    for (const char* a : {"127.0.0.1", "::1", "10.0.0.1", "192.168.0.1", "172.16.5.4", "100.64.0.1",
                          "169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1",
                          "::ffff:127.0.0.1", "::ffff:10.0.0.1", "fd00::1"}) {
        INFO(a);
        CHECK_FALSE(policy.allows(ip(a)));
    }

    // Every spelling of the issue, and their cousins, at registration.
    CHECK(url_refusal(policy, "http://169.254.169.254/latest/meta-data/") == "cloud metadata");
    CHECK(url_refusal(policy, "http://[::1]/") == "loopback");
    CHECK(url_refusal(policy, "http://0.0.0.0/") == "unspecified");
    CHECK(url_refusal(policy, "http://0/") == "unspecified");
    CHECK(url_refusal(policy, "http://localhost/") == "loopback");
    CHECK(url_refusal(policy, "http://LOCALHOST./") == "loopback");
    CHECK(url_refusal(policy, "http://hooks.localhost:8080/") == "loopback");
    CHECK(url_refusal(policy, "http://2130706433/") == "loopback");
    CHECK(url_refusal(policy, "http://0x7f000001/") == "loopback");
    CHECK(url_refusal(policy, "http://0177.0.0.1/") == "loopback");
    CHECK(url_refusal(policy, "http://127.1/") == "loopback");
    CHECK(url_refusal(policy, "http://127.0.0.1:22/") == "loopback");
    CHECK(url_refusal(policy, "https://[::ffff:127.0.0.1]/") == "loopback");
    CHECK(url_refusal(policy, "https://[::ffff:7f00:1]/") == "loopback");
    CHECK(url_refusal(policy, "https://[64:ff9b::7f00:1]/") == "loopback");
    CHECK(url_refusal(policy, "http://169.254.43518/") == "cloud metadata");
    CHECK(url_refusal(policy, "http://[fd00:ec2::254]/") == "cloud metadata");
    CHECK(url_refusal(policy, "http://10.1.2.3/") == "private");
    CHECK(url_refusal(policy, "http://172.16.0.1/") == "private");
    CHECK(url_refusal(policy, "http://192.168.1.1/") == "private");
    CHECK(url_refusal(policy, "http://[fe80::1]/") == "link-local");
    CHECK(url_refusal(policy, "http://[ff02::1]/") == "multicast");
    CHECK(url_refusal(policy, "http://255.255.255.255/") == "broadcast");
    // Public addresses and names pass registration; names are judged at each connection.
    CHECK(url_refusal(policy, "https://hooks.example.cn/clue-router").empty());
    CHECK(url_refusal(policy, "http://8.8.8.8/").empty());
    CHECK(url_refusal(policy, "http://[2400:3200::1]/").empty());
}

TEST_CASE("hardening 2: an administrator opens networks, never the unreachable kinds",
          "[domain][address][hardening]") {
    const AddressPolicy policy(nets({"10.20.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "::1"}));
    CHECK(policy.allows(ip("10.20.3.4")));
    CHECK(policy.allows(ip("::ffff:10.20.3.4")));
    CHECK(policy.allows(ip("64:ff9b::a14:304")));  // NAT64 to 10.20.3.4
    CHECK_FALSE(policy.allows(ip("10.21.0.1")));
    CHECK(policy.allows(ip("127.0.0.1")));
    CHECK(policy.allows(ip("::1")));
    CHECK(policy.allows(ip("169.254.1.1")));
    // Listing a network never opens the metadata service, 0.0.0.0, multicast or broadcast.
    CHECK(policy.refusal(ip("169.254.169.254")) == AddressKind::metadata);
    const AddressPolicy everything(nets({"0.0.0.0/0", "::/0"}));
    CHECK(everything.refusal(ip("0.0.0.0")) == AddressKind::unspecified);
    CHECK(everything.refusal(ip("::")) == AddressKind::unspecified);
    CHECK(everything.refusal(ip("224.0.0.1")) == AddressKind::multicast);
    CHECK(everything.refusal(ip("255.255.255.255")) == AddressKind::broadcast);
    CHECK(everything.refusal(ip("100.100.100.200")) == AddressKind::metadata);
    CHECK(everything.allows(ip("192.168.0.1")));
    CHECK(url_refusal(policy, "http://localhost:9100/").empty());
    CHECK(url_refusal(policy, "http://2130706433/").empty());
}

TEST_CASE("URL hosts that would read differently to a resolver are refused", "[domain][address]") {
    std::string why;
    for (const char* bad :
         {"http://1.2.3.256/", "http://4294967296/", "http://[::1%25lo]/", "http://[1.2.3.4]/",
          "http://exa%6dple.org/", "http://a\\b/", "http://example.123/"}) {
        INFO(bad);
        CHECK_FALSE(parse_http_url(bad, why));
    }
    const auto url = parse_http_url("http://0x7f000001:8080/x", why);
    REQUIRE(url);
    CHECK(url->host == "127.0.0.1");  // what the client connects to and sends as Host
    REQUIRE(url->address);
    CHECK(url->address->to_string() == "127.0.0.1");
    CHECK(url->port == 8080);
}
