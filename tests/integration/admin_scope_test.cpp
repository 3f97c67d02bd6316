// Admins within their region (issue 14, item 3): an admin makes keys, secrets, endpoints and
// directory changes only for the agencies of her agency's region, and a credential she makes
// for another agency is visible as such wherever it is listed or acts.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

const std::string kProvince = "proc-510000";
const std::string kCountyProcuratorate = "proc-511702";
const std::string kCountyFederation = "fed-511702";

Response make_key(HttpClient& c, const std::string& admin, const std::string& agency,
                  const std::string& role) {
    return c.post("/v1/keys", json{{"agency", agency}, {"role", role}}.dump(), json_auth(admin));
}

json key_listed(HttpClient& c, const std::string& admin, const std::string& id) {
    Response r = get(c, admin, "/v1/keys");
    REQUIRE_STATUS(r, 200);
    const json body = r.json();  // kept: a loop over a temporary's member dangles
    for (const auto& k : body["items"]) {
        if (k["id"] == id) return k;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("hardening 3: a county admin cannot make a key above or beside her region",
          "[integration][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string county_admin = server.key_for(kCountyProcuratorate, "admin");
    // Not a provincial admin, not the prefecture's, not the next county's.
    for (const std::string& agency : {kProvince, std::string("proc-511700"),
                                      std::string("proc-511722"), std::string("fed-510000")}) {
        INFO(agency);
        CHECK_FIELD_ERROR(make_key(c, county_admin, agency, "admin"), "/agency");
    }
    // Her own region's agencies, yes.
    Response own = make_key(c, county_admin, kCountyFederation, "staff");
    REQUIRE_STATUS(own, 201);
    // The province's keys are not hers to see or revoke.
    const std::string province_admin = server.key_for(kProvince, "admin");
    Response province_key = make_key(c, province_admin, kProvince, "staff");
    REQUIRE_STATUS(province_key, 201);
    const std::string province_key_id = province_key.json()["id"];
    CHECK(key_listed(c, county_admin, province_key_id).is_null());
    CHECK_PROBLEM(c.post("/v1/keys/" + province_key_id + "/revoke", "", auth(county_admin)), 404,
                  "not-found");
    // Nor the rows the province's agencies wrote in the audit trail; her own, yes.
    bool sees_province = false;
    bool sees_own = false;
    for (const auto& row : list_all(c, county_admin, "/v1/audit")) {
        sees_province = sees_province || row["record"]["id"] == province_key_id;
        sees_own = sees_own || row["record"]["id"] == own.json()["id"];
    }
    CHECK_FALSE(sees_province);
    CHECK(sees_own);
    // Nor its inbound secret, its webhooks, or its place in the directory.
    CHECK_PROBLEM(c.post("/v1/hooks/" + kProvince + "/secret", "", auth(county_admin)), 404,
                  "not-found");
    CHECK_FIELD_ERROR(
        c.post("/v1/webhook-endpoints",
               json{{"url", "https://partner.example.org/hooks"}, {"agency_id", kProvince}}.dump(),
               json_auth(county_admin)),
        "/agency_id");
    json agency = get(c, county_admin, "/v1/agencies/" + kCountyProcuratorate).json();
    const long long version = agency.value("version", 0LL);
    // What the view adds to the agency (its version, level, region name) is not sent back.
    for (const char* member : {"version", "updated_at", "level", "region_name"})
        agency.erase(member);
    agency["region"] = "510000";  // widening her own agency to the province
    Headers put_headers = json_auth(county_admin);
    put_headers.emplace_back("If-Match", etag(version));
    CHECK_FIELD_ERROR(c.request(http::verb::put, "/v1/agencies/" + kCountyProcuratorate,
                                agency.dump(), put_headers),
                      "/region");
    json fresh{{"id", "fed-510100-new"},     {"kind", "womens_federation"},
               {"name", "另一个地方的妇联"}, {"region", "510100"},
               {"parent", "fed-510100"},     {"services", json::array({"social_support"})}};
    CHECK_FIELD_ERROR(c.post("/v1/agencies", fresh.dump(), json_auth(county_admin)), "/region");
}

TEST_CASE(
    "hardening 3: a key made for another agency says so, in its lists, the audit trail "
    "and the history of what it did",
    "[integration][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string province_admin = server.key_for(kProvince, "admin");
    Response made = make_key(c, province_admin, kCountyFederation, "staff");
    REQUIRE_STATUS(made, 201);
    const std::string key_id = made.json()["id"];
    CHECK(made.json()["created_for_another_agency"] == true);
    CHECK(made.json()["created_by"]["agency"] == kProvince);

    // The county federation's own admin sees it in her list for what it is.
    const json listed = key_listed(c, server.key_for(kCountyFederation, "admin"), key_id);
    REQUIRE(listed.is_object());
    CHECK(listed["created_for_another_agency"] == true);
    CHECK(listed["created_by"]["agency"] == kProvince);
    CHECK(listed.find("secret") == listed.end());

    // Its making is audited as such, in the rows both admins read.
    for (const std::string& reader : {province_admin, server.key_for(kCountyFederation, "admin")}) {
        bool audited = false;
        for (const auto& row : list_all(c, reader, "/v1/audit")) {
            if (row["action"] == "api_key.created" && row["record"]["id"] == key_id) {
                audited = row["detail"].value("for_another_agency", false);
            }
        }
        CHECK(audited);
    }

    // What it does in the federation's name names the province as its issuer.
    const std::string hotline = server.key_for(kHotline, "intake");
    Response clue = submit(c, hotline, make_clue("511702", "HARD-3-ISSUED"));
    REQUIRE_STATUS(clue, 201);
    const json submitted = clue.json();
    std::string ticket;
    for (const auto& t : submitted["tickets"]) {
        if (t["recipient_agency"] == kCountyFederation) ticket = t["id"];
    }
    REQUIRE_FALSE(ticket.empty());
    const std::string minted = made.json()["secret"];
    REQUIRE_STATUS(transition(c, minted, ticket, json{{"action", "accept"}}, etag(1)), 200);
    Response history = get(c, minted, "/v1/tickets/" + ticket + "/history");
    REQUIRE_STATUS(history, 200);
    const json accepted = history.json()["items"].back();
    CHECK(accepted["type"] == "ticket.accepted");
    CHECK(accepted["actor_key"] == key_id);
    CHECK(accepted["actor_agency"] == kCountyFederation);
    CHECK(accepted["actor_issued_by"] == kProvince);
    // A key of the agency's own making acts without that mark.
    const std::string own = server.key_for(kCountyProcuratorate, "staff");
    std::string proc_ticket;
    for (const auto& t : submitted["tickets"]) {
        if (t["recipient_agency"] == kCountyProcuratorate) proc_ticket = t["id"];
    }
    REQUIRE_FALSE(proc_ticket.empty());
    REQUIRE_STATUS(transition(c, own, proc_ticket, json{{"action", "accept"}}, etag(1)), 200);
    const json own_event =
        get(c, own, "/v1/tickets/" + proc_ticket + "/history").json()["items"].back();
    CHECK(own_event.find("actor_issued_by") == own_event.end());
}
