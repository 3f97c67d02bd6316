#include <catch2/catch.hpp>

#include "clue_router/domain/personal_data.hpp"
#include "clue_router/domain/sealed_value.hpp"

using namespace clue_router::domain;

TEST_CASE("a sealed value round-trips through its envelope", "[domain][sealed]") {
    const SealedValue v{"dk20261123-9f3a", std::string(12, '\x01'),
                        std::string("\x00\xff secret+tag", 13)};
    const std::string text = format_sealed(v);
    CHECK(text.rfind("cr1.dk20261123-9f3a.", 0) == 0);
    const auto back = parse_sealed(text);
    REQUIRE(back.has_value());
    CHECK(back->key_id == v.key_id);
    CHECK(back->nonce == v.nonce);
    CHECK(back->ciphertext == v.ciphertext);
}

TEST_CASE("anything that is not an envelope is refused", "[domain][sealed]") {
    for (const char* text : {"", "王某某", "cr1.", "cr1.k1.AQ", "cr1.k1.AQ.", "cr1..AQ.AQ",
                             "cr2.k1.AQ.AQ", "cr1.k1.AQ.AQ.AQ", "cr1.k 1.AQ.AQ", "cr1.k1.A*.AQ",
                             "cr1.this-key-id-is-far-too-long-to-be-valid.AQ.AQ"}) {
        INFO(text);
        CHECK_FALSE(parse_sealed(text).has_value());
    }
    CHECK(valid_key_id("k_1-A"));
    CHECK_FALSE(valid_key_id("k.1"));
    CHECK_FALSE(valid_key_id(""));
}

TEST_CASE("the personal parts of a clue are listed once", "[domain][personal]") {
    const auto& pointers = personal_data_pointers();
    for (const char* p :
         {"/subject/name", "/subject/id_number", "/subject/phone", "/subject/address",
          "/subject/birth_date", "/narrative", "/reporter/name", "/reporter/phone"}) {
        CHECK(std::find(pointers.begin(), pointers.end(), p) != pointers.end());
    }
    CHECK(pointers.size() == 8);
}

TEST_CASE("identifier terms are canonical and kind-tagged", "[domain][personal]") {
    ClueSubject a;
    a.id_number = "51170219810312024x";
    a.phone = "138 0013 0001";
    ClueSubject b;
    b.id_number = "51170219810312024X";
    b.phone = "+8613800130001";
    const auto ta = identifier_terms(a);
    const auto tb = identifier_terms(b);
    REQUIRE(ta.size() == 2);
    REQUIRE(tb.size() == 2);
    CHECK(ta[0].indexed() == "id_number:51170219810312024X");
    CHECK(ta[1].indexed() == "phone:+8613800130001");
    CHECK(ta[0].indexed() == tb[0].indexed());
    CHECK(ta[1].indexed() == tb[1].indexed());
    CHECK(identifier_terms(ClueSubject{}).empty());
}
