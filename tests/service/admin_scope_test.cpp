#include "clue_router/service/admin_scope.hpp"

#include <catch2/catch.hpp>

using clue_router::domain::Agency;
using namespace clue_router::service;

namespace {
Agency agency(std::string id, std::string region) {
    Agency a;
    a.id = std::move(id);
    a.kind = "womens_federation";
    a.name = a.id;
    a.region = std::move(region);
    return a;
}

const std::vector<Agency> kDirectory{
    agency("fed-sichuan", "510000"),  agency("proc-sichuan", "510000"),
    agency("fed-guangan", "511600"),  agency("fed-qianfeng", "511603"),
    agency("fed-bazhong", "511900"),  agency("fed-beijing", "110000"),
    agency("fed-chaoyang", "110105"), agency("fed-xiantao", "429004"),
    agency("fed-hubei", "420000"),
};
}  // namespace

TEST_CASE("14.3 an admin manages her own region and what lies inside it", "[service][admin]") {
    CHECK(may_administer(kDirectory, "fed-sichuan", "fed-sichuan"));
    CHECK(may_administer(kDirectory, "fed-sichuan", "proc-sichuan"));  // same region
    CHECK(may_administer(kDirectory, "fed-sichuan", "fed-guangan"));
    CHECK(may_administer(kDirectory, "fed-sichuan", "fed-qianfeng"));
    CHECK(may_administer(kDirectory, "fed-guangan", "fed-qianfeng"));
    CHECK(may_administer(kDirectory, "fed-beijing", "fed-chaoyang"));
    CHECK(may_administer(kDirectory, "fed-hubei", "fed-xiantao"));
}

TEST_CASE("14.3 an admin cannot manage above or beside her region", "[service][admin]") {
    // A county federation cannot make a provincial (or wider) admin.
    CHECK_FALSE(may_administer(kDirectory, "fed-qianfeng", "fed-guangan"));
    CHECK_FALSE(may_administer(kDirectory, "fed-qianfeng", "fed-sichuan"));
    CHECK_FALSE(may_administer(kDirectory, "fed-guangan", "fed-bazhong"));
    CHECK_FALSE(may_administer(kDirectory, "fed-sichuan", "fed-beijing"));
    CHECK_FALSE(may_administer(kDirectory, "fed-chaoyang", "fed-beijing"));
    CHECK_FALSE(may_administer(kDirectory, "fed-sichuan", "no-such-agency"));
    CHECK_FALSE(may_administer(kDirectory, "no-such-agency", "fed-sichuan"));
}

TEST_CASE("region_within climbs real levels only", "[service][admin]") {
    CHECK(region_within("511603", "511600"));
    CHECK(region_within("511603", "510000"));
    CHECK(region_within("110105", "110000"));
    CHECK_FALSE(region_within("110105", "110100"));  // a grouping code, not a unit
    CHECK_FALSE(region_within("510000", "511600"));
    CHECK_FALSE(region_within("bogus", "510000"));
}
