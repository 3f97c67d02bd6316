#include "clue_router/domain/password_policy.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

using namespace clue_router::domain;

TEST_CASE("a password needs 12 characters, counted as code points", "[domain][password]") {
    const CommonPasswords none;
    CHECK(password_problem("short-pass1", none).has_value());         // 11
    CHECK_FALSE(password_problem("long-enough1", none).has_value());  // 12
    // Six Chinese characters are 18 bytes but 6 characters: too short.
    CHECK(password_problem("我的密码很长", none).has_value());
    CHECK_FALSE(password_problem("我的密码真的很长很长很长了", none).has_value());
    CHECK(password_problem(std::string(257, 'x'), none).has_value());
    CHECK(password_problem(std::string("twelve-chars\0x", 14), none).has_value());
}

TEST_CASE("a password on the common list is refused, whatever its case", "[domain][password]") {
    const auto list = CommonPasswords::parse("# comment\n\npassword1234\r\nqwertyuiop123\n");
    CHECK(list.size() == 2);
    CHECK(password_problem("password1234", list).has_value());
    CHECK(password_problem("PassWord1234", list).has_value());
    CHECK_FALSE(password_problem("password12345", list).has_value());
    // The refusal never repeats the password.
    CHECK(password_problem("password1234", list)->find("password1234") == std::string::npos);
}

TEST_CASE("the shipped common-password list loads and names the usual suspects",
          "[domain][password]") {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/common-passwords.txt");
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    const auto list = CommonPasswords::parse(text.str());
    CHECK(list.size() > 500);
    for (const char* p : {"password1234", "123456789012", "qwertyuiop123", "Woaini131452"}) {
        INFO(p);
        CHECK(list.contains(p));
    }
    CHECK_FALSE(list.contains("river-lantern-57-copper"));
}
