// What a copy of the database, its WAL and a masked reply give away (issue 14, items 1 and 6):
// no birth date beside a masked ID number, stored replies and free-text reasons sealed, the
// database files only for the service's own user.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

// The database and its WAL as bytes: what someone holding a copy has, without the keyring.
std::string database_bytes(const TestServer& server) {
    std::string all = read_file(server.database_path());
    const std::string wal = server.database_path() + "-wal";
    if (std::filesystem::exists(wal)) all += read_file(wal);
    return all;
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// A clue whose birth date appears nowhere else in the test's data.
json clue_born(const std::string& birth, const std::string& reference) {
    json clue = make_clue("511702", reference);
    clue["subject"]["id_number"] = make_id_number("511702", birth, "046");
    return clue;
}

}  // namespace

TEST_CASE("issue 14 item 1: masked views show the birth year, never the birth date",
          "[integration][at-rest]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");
    json waiting = clue_born("19770814", "AT-REST-1");
    waiting["consent"]["share_with_partners"] = false;  // so that it waits in the review queue
    Response created = submit(c, key, waiting, "at-rest-1");
    REQUIRE_STATUS(created, 201);
    const std::string id = created.json()["clue"]["id"];

    std::vector<json> masked{created.json()["clue"], get(c, key, "/v1/clues/" + id).json()["clue"]};
    for (const auto& item : list_all(c, key, "/v1/review-queue")) masked.push_back(item);
    masked.push_back(submit(c, key, waiting, "at-rest-1").json()["clue"]);  // the replay
    REQUIRE(masked.size() == 4);
    for (const json& view : masked) {
        INFO(view.dump());
        CHECK(view["personal_data"] == "masked");
        CHECK_FALSE(view["subject"].contains("birth_date"));
        CHECK(view["subject"]["birth_year"] == 1977);
        CHECK(view.dump().find("0814") == std::string::npos);
    }
    // Those who may see it in clear still do.
    Response clear = get(c, key, "/v1/clues/" + id + "?reveal=true");
    REQUIRE_STATUS(clear, 200);
    CHECK(clear.json()["clue"]["subject"]["birth_date"] == "1977-08-14");
}

TEST_CASE("issue 14 item 1: the database and WAL hold no ID-number digits 7-14 nor birth date",
          "[integration][at-rest]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");
    const json clue = clue_born("19640923", "AT-REST-2");
    Response first = submit(c, key, clue, "at-rest-2");  // with an idempotency record
    REQUIRE_STATUS(first, 201);

    const std::string bytes = database_bytes(server);
    CHECK(bytes.find("19640923") == std::string::npos);
    CHECK(bytes.find("1964-09-23") == std::string::npos);
    // The masked reply's other parts are not there in clear either.
    CHECK(bytes.find(first.json()["clue"]["subject"]["id_number"].get<std::string>()) ==
          std::string::npos);
    // The sealed reply still replays, after a restart too.
    server.restart();
    Response again = submit(c, key, clue, "at-rest-2");
    REQUIRE_STATUS(again, 201);
    CHECK(again.header("Idempotent-Replayed") == "true");
    CHECK(again.body == first.body);
}

TEST_CASE("issue 14 item 6: dismissal and break-glass reasons are sealed, the audit chain holds",
          "[integration][at-rest]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& intake = server.key_for(kHotline, "intake");
    const std::string& staff = server.key_for(kHotline, "staff");
    const std::string& admin = server.key_for(kHotline, "admin");
    json waiting = make_clue("511702", "AT-REST-3");
    waiting["consent"]["share_with_partners"] = false;
    Response created = submit(c, intake, waiting);
    REQUIRE_STATUS(created, 201);
    const std::string id = created.json()["clue"]["id"];

    const std::string reason = "她姐姐王秀英说 13900279999 是新号码，已另行联系";
    Response dismissed = c.post("/v1/review-queue/" + id + "/dismiss",
                                json{{"reason", reason}}.dump(), json_auth(staff));
    REQUIRE_STATUS(dismissed, 200);
    CHECK(get(c, staff, "/v1/clues/" + id).json()["clue"]["dismissal_reason"] == reason);

    const std::string glass = "court order 2026-117 for Wang Xiuying";
    Headers h = auth(admin);
    h.emplace_back("Break-Glass-Reason", glass);
    REQUIRE_STATUS(c.get("/v1/clues/" + id + "?reveal=true", h), 200);

    const std::string bytes = database_bytes(server);
    CHECK(bytes.find("13900279999") == std::string::npos);
    CHECK(bytes.find("王秀英") == std::string::npos);
    CHECK(bytes.find("Wang Xiuying") == std::string::npos);

    // The audit trail names the reason and still verifies.
    bool found = false;
    for (const auto& row : list_all(c, admin, "/v1/audit")) {
        if (row.value("action", "") != "clue.break_glass_read") continue;
        found = true;
        CHECK(row.value("reason", "") == glass);
        CHECK(row["detail"].dump().find("Wang") == std::string::npos);
    }
    CHECK(found);
    Response verified = get(c, admin, "/v1/audit/verify");
    REQUIRE_STATUS(verified, 200);
    CHECK(verified.json().value("intact", false));
}

TEST_CASE("issue 14 item 6: database files are 0600 whatever the umask, readable ones refused",
          "[integration][at-rest]") {
    const mode_t before = ::umask(0);  // the server inherits it: the worst case
    TestServer server;
    ::umask(before);
    HttpClient& c = server.client();
    REQUIRE_STATUS(submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "AT-REST-4")),
                   201);
    CHECK(mode_of(server.database_path()) == 0600);
    CHECK(mode_of(server.database_path() + "-wal") == 0600);
    CHECK(mode_of(server.database_path() + "-shm") == 0600);
    server.stop();

    std::filesystem::permissions(server.database_path(), std::filesystem::perms::group_read,
                                 std::filesystem::perm_options::add);
    RunResult r = server.cli({"serve", "--config", server.config_path()});
    REQUIRE(r.status.has_value());
    CHECK_FALSE(r.status->success());
    CHECK_THAT(r.err, Catch::Contains(server.database_path()) && Catch::Contains("chmod 600"));
}

TEST_CASE("issue 14 item 6: the screening's evidence is sealed at rest, its replies are unchanged",
          "[integration][at-rest]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& intake = server.key_for(kHotline, "intake");
    const std::string& staff = server.key_for(kHotline, "staff");
    // Words the screening matches (a term, an urgent one, a negated one) and that nothing
    // else of the test writes.
    json clue = make_clue("511702", "AT-REST-5");
    clue["narrative"] = "他昨晚掐住脖子不放，扬言要弄死我。我没有被拐卖过。";
    Response created = submit(c, intake, clue);
    REQUIRE_STATUS(created, 201);
    const std::string id = created.json()["clue"]["id"];
    const std::string case_id = created.json()["case"]["id"];
    const json screening = created.json()["screening"];
    const std::string shown = screening.dump();
    REQUIRE(shown.find("掐住脖子") != std::string::npos);  // the screening names the words
    REQUIRE(shown.find("扬言") != std::string::npos);
    REQUIRE(shown.find("\"evidence\"") != std::string::npos);

    // What a copy of the database and its WAL holds: none of the words.
    const std::string bytes = database_bytes(server);
    CHECK(bytes.find("掐住脖子") == std::string::npos);
    CHECK(bytes.find("扬言") == std::string::npos);
    CHECK(bytes.find("拐") == std::string::npos);

    // Those who see the clue see the same screening as before, after a restart too: the clue
    // view, its history of screenings, and the case's merge of its clues' screenings.
    server.restart();
    CHECK(get(c, staff, "/v1/clues/" + id).json()["screening"] == screening);
    CHECK(get(c, intake, "/v1/clues/" + id).json()["screening"] == screening);
    json history = get(c, staff, "/v1/clues/" + id + "/screenings").json()["items"];
    REQUIRE(history.size() == 1);
    history[0].erase("screened_at");
    CHECK(history[0] == screening);
    Response in_case = get(c, staff, "/v1/cases/" + case_id);
    REQUIRE_STATUS(in_case, 200);
    CHECK(in_case.json()["screening"] == screening);
    // Those who do not, do not.
    CHECK_PROBLEM(get(c, server.key_for("proc-510104", "staff"), "/v1/clues/" + id + "/screenings"),
                  404, "not-found");
}
