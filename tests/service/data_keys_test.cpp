#include <catch2/catch.hpp>

#include <set>

#include "clue_router/domain/sealed_value.hpp"
#include "clue_router/service/data_keys.hpp"

using namespace clue_router;
using service::DataKeyring;

namespace {

const std::string kHexA(64, 'a');
const std::string kHexB(64, 'b');
const std::string kHexC(64, 'c');

std::shared_ptr<const DataKeyring> ring(const std::string& text) {
    return DataKeyring::parse(text);
}

}  // namespace

TEST_CASE("sealed personal data opens only with its key and its context", "[service][crypto]") {
    const auto keys = ring("current=k1\ndata.k1=" + kHexA + "\nindex=" + kHexC);
    const std::string name = "王某某";
    const std::string sealed = keys->seal(name, "clue/1/subject/name");
    CHECK(sealed.find(name) == std::string::npos);
    CHECK(keys->key_id_of(sealed) == "k1");
    CHECK(keys->open(sealed, "clue/1/subject/name") == name);

    // A fresh nonce per value: the same name sealed twice gives two different envelopes.
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) seen.insert(keys->seal(name, "clue/1/subject/name"));
    CHECK(seen.size() == 50);

    // Moved to another record or field: authentication fails.
    CHECK_THROWS_AS(keys->open(sealed, "clue/2/subject/name"), std::runtime_error);
    CHECK_THROWS_AS(keys->open(sealed, "clue/1/reporter/name"), std::runtime_error);

    // One bit changed anywhere in the ciphertext: refused, never garbage.
    auto parts = domain::parse_sealed(sealed);
    REQUIRE(parts.has_value());
    for (std::size_t i = 0; i < parts->ciphertext.size(); ++i) {
        auto tampered = *parts;
        tampered.ciphertext[i] = static_cast<char>(tampered.ciphertext[i] ^ 0x01);
        CHECK_THROWS_AS(keys->open(domain::format_sealed(tampered), "clue/1/subject/name"),
                        std::runtime_error);
    }
    // Another key with the same id does not open it either.
    const auto other = ring("current=k1\ndata.k1=" + kHexB + "\nindex=" + kHexC);
    CHECK_THROWS_AS(other->open(sealed, "clue/1/subject/name"), std::runtime_error);
    // Empty values seal too (an empty narrative stays private about being empty... and opens).
    CHECK(keys->open(keys->seal("", "c"), "c").empty());
}

TEST_CASE("a new data key keeps the old ones for reading", "[service][crypto]") {
    const std::string first = DataKeyring::with_new_data_key("", domain::Timestamp{});
    const auto old_ring = ring(first);
    const std::string sealed = old_ring->seal("13800130001", "ctx");

    const std::string second = DataKeyring::with_new_data_key(first, domain::Timestamp{});
    const auto new_ring = ring(second);
    CHECK(new_ring->current_key_id() != old_ring->current_key_id());
    CHECK(new_ring->open(sealed, "ctx") == "13800130001");
    CHECK(new_ring->key_id_of(new_ring->seal("x", "ctx")) == new_ring->current_key_id());
    // The blind index key is unchanged, so lookups keep working across a rotation.
    CHECK(new_ring->blind_index("phone:+8613800130001") ==
          old_ring->blind_index("phone:+8613800130001"));
    // A keyring that lost the old key cannot open the old value, and says which key it needs.
    const auto stranger = ring(DataKeyring::with_new_data_key("", domain::Timestamp{}));
    try {
        (void)stranger->open(sealed, "ctx");
        FAIL("opened with the wrong keyring");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find(old_ring->current_key_id()) != std::string::npos);
    }
}

TEST_CASE("the blind index is keyed, deterministic and separate from the data key",
          "[service][crypto]") {
    const auto a = ring("current=k1\ndata.k1=" + kHexA + "\nindex=" + kHexB);
    const auto b = ring("current=k1\ndata.k1=" + kHexA + "\nindex=" + kHexC);
    const std::string term = "id_number:51170219810312024X";
    CHECK(a->blind_index(term) == a->blind_index(term));
    CHECK(a->blind_index(term).size() == 64);
    CHECK(a->blind_index(term) != b->blind_index(term));
    CHECK(a->blind_index(term) != a->blind_index("id_number:51170219810312025X"));
    CHECK(a->blind_index(term).find("51170219810312024X") == std::string::npos);
}

TEST_CASE("a keyring that is incomplete or malformed is refused without quoting keys",
          "[service][crypto]") {
    const std::string good = "current=k1;data.k1=" + kHexA + ";index=" + kHexB;
    CHECK_NOTHROW(ring(good));
    CHECK_NOTHROW(ring("# comment\n  current = k1 \n data.k1=" + kHexA + "\nindex=" + kHexB));
    for (const std::string& bad : {
             std::string("data.k1=") + kHexA + ";index=" + kHexB,          // no current
             "current=k2;data.k1=" + kHexA + ";index=" + kHexB,            // current unknown
             "current=k1;data.k1=" + kHexA,                                // no index key
             "current=k1;data.k1=" + kHexA + ";index=" + kHexA,            // index = data key
             "current=k1;data.k1=" + kHexA.substr(2) + ";index=" + kHexB,  // short key
             "current=k1;data.k1=" + std::string(64, 'z') + ";index=" + kHexB,
             "current=k1;data.k1=" + kHexA + ";data.k1=" + kHexC + ";index=" + kHexB,
             "current=k.1;data.k.1=" + kHexA + ";index=" + kHexB,
             "current=k1;data.k1=" + kHexA + ";index=" + kHexB + ";colour=blue",
             "current=k1;data.k1=" + kHexA + ";index=" + kHexB + ";junk",
         }) {
        INFO(bad);
        try {
            ring(bad);
            FAIL("accepted");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()).find(kHexA) == std::string::npos);
            CHECK(std::string(e.what()).find(kHexA.substr(2)) == std::string::npos);
        }
    }
}
