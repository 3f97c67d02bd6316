// The second factor's judgement (service/second_factor): a code is good once, a recovery code
// once, and neither works for an account without an enrolled key.
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "clue_router/service/second_factor.hpp"
#include "clue_router/service/totp.hpp"

using namespace clue_router;
using service::SecondFactorProof;

namespace {

// RFC 6238's SHA-1 test key, "12345678901234567890".
const std::string kKey = "12345678901234567890";

domain::Timestamp at_unix(long long seconds) {
    return domain::Timestamp{} + std::chrono::seconds(seconds);
}

storage::Person enrolled_person() {
    storage::Person p;
    p.id = "psn_1";
    p.username = "li.na";
    p.totp_secret = service::base32_encode(kKey);
    p.totp_enrolled_at = at_unix(0);
    for (const auto& c : {"ABCD-EFGH-JKLM", "NPQR-STUV-WXYZ"}) {
        p.recovery_code_hashes.push_back(service::recovery_code_hash(c));
    }
    return p;
}

}  // namespace

TEST_CASE("a TOTP code is accepted once, and its step is recorded", "[second_factor]") {
    const auto now = at_unix(59);  // RFC 6238: 94287082 at 59 s, so 287082 for six digits
    SecondFactorProof proof;
    proof.totp_code = "287082";
    const auto consumed = service::consume_proof(enrolled_person(), proof, now);
    REQUIRE(consumed);
    CHECK(consumed->totp_last_step == 1);
    // The same code again, even within its 30 seconds: refused.
    CHECK_FALSE(service::consume_proof(*consumed, proof, now));
    // The next step's code is good.
    SecondFactorProof next;
    next.totp_code = service::totp(kKey, at_unix(61));
    CHECK(service::consume_proof(*consumed, next, at_unix(61)));
    // A wrong code, and a code of a step long past.
    SecondFactorProof wrong;
    wrong.totp_code = "000000";
    CHECK_FALSE(service::consume_proof(enrolled_person(), wrong, now));
    CHECK_FALSE(service::consume_proof(enrolled_person(), proof, at_unix(59 + 300)));
}

TEST_CASE("a key begun but not confirmed, or no key, proves nothing", "[second_factor]") {
    auto begun = enrolled_person();
    begun.totp_enrolled_at.reset();
    SecondFactorProof proof;
    proof.totp_code = "287082";
    CHECK_FALSE(service::consume_proof(begun, proof, at_unix(59)));
    SecondFactorProof recovery;
    recovery.recovery_code = "ABCD-EFGH-JKLM";
    CHECK_FALSE(service::consume_proof(begun, recovery, at_unix(59)));
    storage::Person none;
    CHECK_FALSE(service::consume_proof(none, proof, at_unix(59)));
    CHECK_FALSE(service::consume_proof(enrolled_person(), SecondFactorProof{}, at_unix(59)));
}

TEST_CASE("a recovery code works once, however it is typed", "[second_factor]") {
    SecondFactorProof proof;
    proof.recovery_code = "abcd efgh-jklm";
    const auto consumed = service::consume_proof(enrolled_person(), proof, at_unix(0));
    REQUIRE(consumed);
    CHECK(consumed->recovery_code_hashes.size() == 1);
    CHECK_FALSE(service::consume_proof(*consumed, proof, at_unix(0)));
    SecondFactorProof other;
    other.recovery_code = "NPQRSTUVWXYZ";
    CHECK(service::consume_proof(*consumed, other, at_unix(0)));
}

TEST_CASE("recovery codes are fresh, readable and kept only as hashes", "[second_factor]") {
    const auto codes = service::new_recovery_codes(10);
    REQUIRE(codes.size() == 10);
    const std::regex shape("[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}");
    std::set<std::string> distinct;
    for (const auto& c : codes) {
        CHECK(std::regex_match(c, shape));
        distinct.insert(c);
        CHECK(service::recovery_code_hash(c).size() == 64);
        CHECK(service::recovery_code_hash(c).find(c) == std::string::npos);
    }
    CHECK(distinct.size() == 10);
}

TEST_CASE("the otpauth URI is what authenticator apps read, with the issuer encoded",
          "[second_factor]") {
    CHECK(service::otpauth_uri("clue-router", "li.na", "JBSWY3DPEHPK3PXP") ==
          "otpauth://totp/clue-router:li.na?secret=JBSWY3DPEHPK3PXP&issuer=clue-router"
          "&algorithm=SHA1&digits=6&period=30");
    CHECK(service::otpauth_uri("四川 线索", "a", "K").find("%E5%9B%9B%E5%B7%9D%20") !=
          std::string::npos);
}

TEST_CASE("the second factor is required of the configured roles only", "[second_factor]") {
    const service::SecondFactorOptions defaults;
    CHECK(service::second_factor_required(defaults, service::Role::admin));
    CHECK(service::second_factor_required(defaults, service::Role::staff));
    CHECK(service::second_factor_required(defaults, service::Role::intake));
    CHECK_FALSE(service::second_factor_required(defaults, service::Role::supervisor));
    service::SecondFactorOptions none;
    none.required_for.clear();
    CHECK_FALSE(service::second_factor_required(none, service::Role::admin));
}
