#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/directory.hpp"
#include "clue_router/domain/region_list.hpp"

using namespace clue_router::domain;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

Agency agency(std::string id, std::string kind, std::string region,
              std::optional<std::string> parent = std::nullopt) {
    Agency a;
    a.id = std::move(id);
    a.kind = std::move(kind);
    a.name = "测试机构";
    a.region = std::move(region);
    a.parent = std::move(parent);
    return a;
}

std::string build_error(std::vector<Agency> agencies) {
    auto d = Directory::build(std::move(agencies));
    REQUIRE_FALSE(d.has_value());
    return d.error();
}

std::vector<std::string> ids(const std::vector<const Agency*>& list) {
    std::vector<std::string> out;
    for (const auto* a : list) out.push_back(a->id);
    return out;
}

}  // namespace

TEST_CASE("directory indexes agencies by id and by kind and region", "[domain][directory]") {
    auto d = Directory::build({
        agency("proc-511702-b", "procuratorate", "511702", "proc-511700"),
        agency("proc-511700", "procuratorate", "511700"),
        agency("fed-511702", "womens_federation", "511702"),
        agency("proc-511702", "procuratorate", "511702", "proc-511700"),
    });
    REQUIRE(d.has_value());

    REQUIRE(d->find("fed-511702") != nullptr);
    CHECK(d->find("fed-511702")->kind == "womens_federation");
    CHECK(d->find("nobody") == nullptr);

    // In id order, whatever the input order.
    CHECK(ids(d->at("procuratorate", "511702")) ==
          std::vector<std::string>{"proc-511702", "proc-511702-b"});
    CHECK(ids(d->at("womens_federation", "511702")) == std::vector<std::string>{"fed-511702"});
    CHECK(ids(d->at("procuratorate", "511700")) == std::vector<std::string>{"proc-511700"});
    CHECK(d->at("procuratorate", "510000").empty());
    CHECK(d->at("court", "511702").empty());

    REQUIRE(d->all().size() == 4);
    CHECK(d->all().front().id == "fed-511702");
}

TEST_CASE("an empty directory is valid", "[domain][directory]") {
    auto d = Directory::build({});
    REQUIRE(d.has_value());
    CHECK(d->all().empty());
    CHECK(d->find("x") == nullptr);
}

TEST_CASE("directory build rejects inconsistent agencies", "[domain][directory]") {
    SECTION("duplicate id") {
        CHECK_THAT(build_error({agency("a", "procuratorate", "511702"),
                                agency("a", "womens_federation", "511702")}),
                   Contains("agency 'a': duplicate id"));
    }
    SECTION("unknown kind") {
        CHECK_THAT(build_error({agency("a", "police", "511702")}),
                   Contains("agency 'a': unknown kind 'police'"));
    }
    SECTION("invalid region") {
        CHECK_THAT(build_error({agency("a", "procuratorate", "51170")}),
                   Contains("agency 'a': region"));
        CHECK_THAT(build_error({agency("a", "procuratorate", "991702")}),
                   Contains("agency 'a': region"));
    }
    SECTION("missing parent") {
        CHECK_THAT(build_error({agency("a", "procuratorate", "511702", "ghost")}),
                   Contains("agency 'a': parent 'ghost' does not exist"));
    }
    SECTION("parent cycle") {
        CHECK_THAT(build_error({agency("a", "procuratorate", "511702", "b"),
                                agency("b", "procuratorate", "511700", "c"),
                                agency("c", "procuratorate", "510000", "a")}),
                   Contains("parent chain has a cycle"));
    }
    SECTION("own parent") {
        CHECK_THAT(build_error({agency("a", "procuratorate", "511702", "a")}),
                   Contains("agency 'a': parent chain has a cycle"));
    }
}

TEST_CASE("directory from_json checks the document shape", "[domain][directory]") {
    CHECK_THAT(Directory::from_json(json::array()).error(), Contains("must be an object"));
    CHECK_THAT(Directory::from_json(json::object()).error(), Contains("/agencies: is required"));
    CHECK_THAT(Directory::from_json({{"agencies", 1}}).error(), Contains("must be an array"));
    CHECK_THAT(Directory::from_json({{"agencies", json::array()}, {"extra", 1}}).error(),
               Contains("unknown member 'extra'"));
    // An agency that parse_agency refuses is reported with its place in the list.
    auto bad = Directory::from_json({{"agencies", json::array({json::object()})}});
    REQUIRE_FALSE(bad.has_value());
    CHECK_THAT(bad.error(), Contains("/agencies/0"));
}

TEST_CASE("config/demo-directory.json loads cleanly", "[domain][directory]") {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/demo-directory.json");
    REQUIRE(in.good());
    auto d = Directory::from_json(json::parse(in));
    INFO((d.has_value() ? std::string() : d.error()));
    REQUIRE(d.has_value());

    for (auto region : {"510000", "510100", "511700", "510104", "510107", "511702", "511722"}) {
        INFO(region);
        CHECK(d->at("procuratorate", region).size() == 1);
        CHECK(d->at("womens_federation", region).size() == 1);
    }
    const Agency* county = d->find("proc-511702");
    REQUIRE(county != nullptr);
    CHECK(county->parent == std::optional<std::string>("proc-511700"));
    CHECK(county->services == std::vector<std::string>{"judicial_assistance"});
    REQUIRE(d->find("fed-511702") != nullptr);
    CHECK(d->find("fed-511702")->parent == std::optional<std::string>("fed-511700"));

    for (auto id : {"hotline-12309-sc", "hotline-12338-sc", "platform-sc"}) {
        INFO(id);
        REQUIRE(d->find(id) != nullptr);
        CHECK_FALSE(d->find(id)->accepts_referrals);
    }
    CHECK(d->find("hotline-12309-sc")->kind == "hotline");
    CHECK(d->find("platform-sc")->kind == "complaint_platform");
}

// So that a newcomer's clues from anywhere in the country are routed, not queued for want of
// an agency: every province of the region list but Hong Kong, Macao and Taiwan (outside the
// campaign, with legal systems of their own) has its procuratorate and women's federation,
// named after the list, and every agency sits at a listed code.
TEST_CASE("config/demo-directory.json covers every province of the region list",
          "[domain][directory]") {
    const auto read = [](const char* relative) {
        std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + relative);
        REQUIRE(in.good());
        return json::parse(in);
    };
    auto d = Directory::from_json(read("/config/demo-directory.json"));
    auto regions = RegionList::from_json(read("/config/regions.json"));
    REQUIRE(d.has_value());
    REQUIRE(regions.has_value());

    int provinces = 0;
    for (const auto& [code, name] : regions->all()) {
        if (code.substr(2) != "0000" || code == "810000" || code == "820000" || code == "830000" ||
            code == "710000") {
            continue;
        }
        INFO(code << " " << name);
        ++provinces;
        const auto procuratorates = d->at("procuratorate", code);
        const auto federations = d->at("womens_federation", code);
        REQUIRE(procuratorates.size() == 1);
        REQUIRE(federations.size() == 1);
        CHECK(procuratorates[0]->name == name + "人民检察院");
        CHECK(federations[0]->name == name + "妇女联合会");
        CHECK(procuratorates[0]->accepts_referrals);
        CHECK(federations[0]->accepts_referrals);
    }
    CHECK(provinces == 31);
    for (const auto& a : d->all()) {
        INFO(a.id);
        CHECK(regions->contains(a.region));
    }
}
