// The directory as data: an admin creates and replaces agencies, every change is checked
// against the whole directory, and routing uses the change at once.
#include <catch2/catch.hpp>

#include "clue_router/service/agency_service.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

struct AgencyFixture : ServiceFixture {
    AgencyService agencies{*store, config, clock};
    Actor admin{"key_admin", "proc-510000", Role::admin};

    AgencyFixture() {
        // The stored directory starts as the demo one, as serve seeds it.
        storage::write_and_wait(*store, [&](storage::WriteTransaction& tx) {
            for (const auto& a : config.get()->directory.all()) tx.upsert_agency(a);
        });
    }
    Result<storage::StoredAgency> create(const Actor& actor, const nlohmann::json& body) {
        return wait_for<storage::StoredAgency>(
            [&](auto done) { agencies.create(actor, body, std::move(done)); });
    }
    Result<storage::StoredAgency> replace(const Actor& actor, const std::string& id,
                                          std::optional<std::int64_t> version,
                                          const nlohmann::json& body) {
        return wait_for<storage::StoredAgency>(
            [&](auto done) { agencies.replace(actor, id, version, body, std::move(done)); });
    }
};

nlohmann::json county_procuratorate() {
    return {{"id", "proc-511723"},        {"kind", "procuratorate"},
            {"name", "开江县人民检察院"}, {"region", "511723"},
            {"parent", "proc-511700"},    {"services", {"judicial_assistance"}}};
}

std::vector<std::string> pointers(const ServiceError& e) {
    std::vector<std::string> out;
    for (const auto& fe : e.errors) out.push_back(fe.pointer);
    return out;
}

}  // namespace

TEST_CASE("an admin adds an agency and the next clue routes to it", "[service][agencies]") {
    AgencyFixture f;
    // 开江县 has no procuratorate in the tests' directory: its clues climb to the prefecture.
    auto before = f.submit(f.hotline, clue_body("BEFORE", "511723"));
    REQUIRE(before);
    CHECK(nlohmann::json::parse(before->body)["tickets"][0]["recipient_agency"] == "proc-511700");

    auto created = f.create(f.admin, county_procuratorate());
    REQUIRE(created);
    CHECK(created->version == 1);
    CHECK(f.config.get()->directory.find("proc-511723"));

    auto after = f.submit(f.hotline, clue_body("AFTER", "511723"));
    REQUIRE(after);
    CHECK(nlohmann::json::parse(after->body)["tickets"][0]["recipient_agency"] == "proc-511723");

    // Creating it again is a conflict; replacing it needs its version.
    auto again = f.create(f.admin, county_procuratorate());
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::conflict);

    auto closed = county_procuratorate();
    closed["accepts_referrals"] = false;
    auto no_version = f.replace(f.admin, "proc-511723", std::nullopt, closed);
    REQUIRE_FALSE(no_version);
    CHECK(no_version.error().kind == ErrorKind::precondition_required);
    auto stale = f.replace(f.admin, "proc-511723", 7, closed);
    REQUIRE_FALSE(stale);
    CHECK(stale.error().kind == ErrorKind::precondition_failed);
    CHECK(stale.error().current_version == 1);
    auto replaced = f.replace(f.admin, "proc-511723", 1, closed);
    REQUIRE(replaced);
    CHECK(replaced->version == 2);
    CHECK_FALSE(replaced->agency.accepts_referrals);

    // No longer accepting referrals: skipped again.
    auto later = f.submit(f.hotline, clue_body("LATER", "511723"));
    REQUIRE(later);
    CHECK(nlohmann::json::parse(later->body)["tickets"][0]["recipient_agency"] == "proc-511700");

    // The two changes that took effect are audit rows by the admin; the refused ones are not.
    std::vector<std::pair<std::string, std::int64_t>> changes;
    for (const auto& e : f.store->reader()->audit_entries(0, 1000)) {
        if (e.record_type != "agency") continue;
        CHECK(e.record_id == "proc-511723");
        CHECK(e.actor_key == "key_admin");
        changes.emplace_back(e.action, e.detail["version"].get<std::int64_t>());
    }
    CHECK(changes == std::vector<std::pair<std::string, std::int64_t>>{{"agency.created", 1},
                                                                       {"agency.replaced", 2}});
}

TEST_CASE("agency changes are checked against the whole directory", "[service][agencies]") {
    AgencyFixture f;
    auto body = county_procuratorate();
    body["parent"] = "proc-nowhere";
    auto r = f.create(f.admin, body);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::validation);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/parent"});

    body = county_procuratorate();
    body["kind"] = "police_station";
    body["region"] = "510001";
    body["services"] = {"hugs"};
    r = f.create(f.admin, body);
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/kind", "/region", "/services/0"});

    // A cycle: the province's procuratorate under the county's.
    auto province = *f.agencies.get(f.admin, "proc-510000");
    auto looped = domain::to_json(province.agency);
    looped["parent"] = "proc-511702";
    r = f.replace(f.admin, "proc-510000", province.version, looped);
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/parent"});
    looped["parent"] = "proc-510000";
    r = f.replace(f.admin, "proc-510000", province.version, looped);
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/parent"});

    // The path and the body must agree.
    r = f.replace(f.admin, "proc-511702", 1, county_procuratorate());
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/id"});

    // Only admins change the directory; nothing above was stored.
    r = f.create(f.procuratorate, county_procuratorate());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::forbidden);
    CHECK_FALSE(f.store->reader()->find_agency("proc-511723"));
    CHECK_FALSE(f.config.get()->directory.find("proc-511723"));
}

TEST_CASE("with a region list, an agency's region must exist and shows its name",
          "[service][agencies]") {
    AgencyFixture f;
    f.load_region_list();
    auto body = county_procuratorate();
    body["region"] = "511799";  // well shaped, not a county of Dazhou
    auto r = f.create(f.admin, body);
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/region"});

    r = f.create(f.admin, county_procuratorate());
    REQUIRE(r);
    const auto view = f.agencies.view(*r);
    CHECK(view["region_name"] == "开江县");
    CHECK(view["level"] == "county");
    CHECK(view["version"] == 1);
}

TEST_CASE("any key lists the directory page by page", "[service][agencies]") {
    AgencyFixture f;
    std::vector<std::string> seen;
    std::optional<std::string> cursor;
    for (int page = 0; page < 20; ++page) {
        auto r = f.agencies.list(f.hotline, cursor, 5);
        REQUIRE(r);
        for (const auto& a : r->items) seen.push_back(a["id"]);
        if (!r->next_cursor) break;
        cursor = r->next_cursor;
    }
    CHECK(seen.size() == f.config.get()->directory.all().size());
    CHECK(std::is_sorted(seen.begin(), seen.end()));
}
