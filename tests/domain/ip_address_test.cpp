#include <catch2/catch.hpp>

#include "clue_router/domain/ip_address.hpp"

using namespace clue_router::domain;

namespace {

std::string text_of(std::string_view s) {
    const auto a = parse_ip_address(s);
    INFO(s);
    REQUIRE(a);
    return a->to_string();
}

std::optional<std::string> url_v4(std::string_view host, bool& ends_in_number) {
    const auto a = parse_url_ipv4(host, ends_in_number);
    if (!a) return std::nullopt;
    return a->to_string();
}

}  // namespace

TEST_CASE("strict addresses: dotted quads and RFC 4291 text", "[domain][ip]") {
    CHECK(text_of("127.0.0.1") == "127.0.0.1");
    CHECK(text_of("0.0.0.0") == "0.0.0.0");
    CHECK(text_of("::") == "::");
    CHECK(text_of("::1") == "::1");
    CHECK(text_of("2001:DB8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");  // RFC 5952: first longest
    CHECK(text_of("2001:db8::") == "2001:db8::");
    CHECK(text_of("fe80:0:0:0:0:0:0:1") == "fe80::1");
    CHECK(text_of("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8");
    CHECK(text_of("1:0:3:4:5:6:7:8") == "1:0:3:4:5:6:7:8");  // one zero group is not "::"
    CHECK(text_of("::ffff:127.0.0.1") == "::ffff:127.0.0.1");
    CHECK(text_of("::ffff:7f00:1") == "::ffff:127.0.0.1");
    CHECK(text_of("64:ff9b::10.0.0.1") == "64:ff9b::a00:1");

    for (const char* bad : {"",
                            "1.2.3",
                            "1.2.3.4.5",
                            "256.0.0.1",
                            "01.2.3.4",
                            "1.2.3.-4",
                            "1.2.3.4 ",
                            "0x7f.0.0.1",
                            "2130706433",
                            ":::",
                            "1::2::3",
                            "1:2:3:4:5:6:7:8:9",
                            "1:2:3:4:5:6:7::8",
                            "12345::",
                            "fe80::1%eth0",
                            "[::1]",
                            "::1.2.3",
                            "1.2.3.4::",
                            "g::1",
                            ":1::"}) {
        INFO(bad);
        CHECK_FALSE(parse_ip_address(bad));
    }
}

TEST_CASE("URL hosts ending in a number are IPv4 in every spelling a resolver reads",
          "[domain][ip]") {
    bool number = false;
    // The spellings and their cousins: all 127.0.0.1.
    for (const char* host : {"127.0.0.1", "2130706433", "0x7f000001", "0X7F000001", "0177.0.0.1",
                             "127.1", "127.0.1", "0x7f.1", "017700000001", "127.0.0.1."}) {
        INFO(host);
        CHECK(url_v4(host, number) == "127.0.0.1");
        CHECK(number);
    }
    CHECK(url_v4("0", number) == "0.0.0.0");
    CHECK(url_v4("0x", number) == "0.0.0.0");
    CHECK(url_v4("169.254.43518", number) == "169.254.169.254");
    CHECK(url_v4("4294967295", number) == "255.255.255.255");

    // Ends in a number, but no address: refused, never taken for a name.
    for (const char* host : {"4294967296", "1.2.3.256", "1.2.65536", "256.1", "1.2.3.4.5",
                             "09.0.0.1", "0x1g.0.0.1", "example.123", "1..2", "0x100000000"}) {
        INFO(host);
        CHECK_FALSE(url_v4(host, number));
        CHECK(number);
    }
    // Names.
    for (const char* host :
         {"example.org", "hooks.example.cn", "localhost", "1.2.3.a", "0x1g", "123abc"}) {
        INFO(host);
        CHECK_FALSE(url_v4(host, number));
        CHECK_FALSE(number);
    }
}

TEST_CASE("networks: CIDR text, containment, host bits", "[domain][ip]") {
    std::string why;
    const auto ten = parse_ip_network("10.0.0.0/8", why);
    REQUIRE(ten);
    CHECK(ten->contains(*parse_ip_address("10.255.1.2")));
    CHECK_FALSE(ten->contains(*parse_ip_address("11.0.0.1")));
    CHECK_FALSE(ten->contains(*parse_ip_address("::ffff:10.0.0.1")));  // unmap first
    CHECK(ten->contains(parse_ip_address("::ffff:10.0.0.1")->unmapped()));

    const auto one = parse_ip_network("192.0.2.7", why);
    REQUIRE(one);
    CHECK(one->to_string() == "192.0.2.7/32");
    const auto ula = parse_ip_network("fd00::/8", why);
    REQUIRE(ula);
    CHECK(ula->contains(*parse_ip_address("fd12:3456::1")));
    CHECK_FALSE(ula->contains(*parse_ip_address("fe80::1")));
    const auto odd = parse_ip_network("172.16.0.0/12", why);
    REQUIRE(odd);
    CHECK(odd->contains(*parse_ip_address("172.31.255.255")));
    CHECK_FALSE(odd->contains(*parse_ip_address("172.32.0.0")));
    const auto all = parse_ip_network("0.0.0.0/0", why);
    REQUIRE(all);
    CHECK(all->contains(*parse_ip_address("8.8.8.8")));

    CHECK_FALSE(parse_ip_network("10.1.0.0/8", why));
    CHECK(why.find("10.0.0.0/8") != std::string::npos);  // says what was probably meant
    CHECK_FALSE(parse_ip_network("10.0.0.0/33", why));
    CHECK_FALSE(parse_ip_network("::/129", why));
    CHECK_FALSE(parse_ip_network("10.0.0.0/", why));
    CHECK_FALSE(parse_ip_network("10.0.0.0/8x", why));
    CHECK_FALSE(parse_ip_network("intranet", why));
}
