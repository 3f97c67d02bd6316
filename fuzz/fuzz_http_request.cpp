// A whole HTTP request handled in-process: the bytes go through Beast's request parser with
// the server's limits (as a Session reads them), then through the real Api — routing,
// authentication, JSON reading, validation, services, and a real SQLite store in a
// temporary directory — exactly as the server would handle them, minus the socket.
//
// To reach past authentication, the input may say @INTAKE@, @STAFF@ or @ADMIN@ where a
// bearer key goes; they are replaced by keys created at start-up (seed_corpus.py writes
// them into the seeds). Properties: nothing throws out of the handler, every request gets
// exactly one reply, and no reply is a 500 (a 500 here is a bug: the store is healthy); a
// 4xx or 5xx reply is an RFC 9457 problem whose status matches.
#include <stdlib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/app/config.hpp"
#include "clue_router/app/runtime_loader.hpp"
#include "clue_router/http/api.hpp"
#include "clue_router/http/framing.hpp"
#include "clue_router/service/agency_service.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_service.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/data_keys.hpp"
#include "clue_router/service/deadline_sweeper.hpp"
#include "clue_router/service/people.hpp"
#include "clue_router/service/review_actions.hpp"
#include "clue_router/service/screening_admin.hpp"
#include "clue_router/service/sessions.hpp"
#include "clue_router/service/stats_service.hpp"
#include "clue_router/service/ticket_service.hpp"
#include "clue_router/service/ticket_work.hpp"
#include "clue_router/service/webhook_service.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "fuzz_support.hpp"

using namespace clue_router;
namespace beast_http = boost::beast::http;

namespace {

struct World {
    std::filesystem::path dir;
    app::Config config;
    std::unique_ptr<storage::Store> store;
    service::SystemClock clock;
    std::unique_ptr<service::RuntimeConfigHolder> holder;
    std::unique_ptr<service::ApiKeys> keys;
    std::unique_ptr<service::ClueService> clues;
    std::unique_ptr<service::TicketService> tickets;
    std::unique_ptr<service::ScreeningAdmin> admin;
    std::unique_ptr<service::AuditService> audit;
    std::unique_ptr<service::WebhookService> webhooks;
    std::unique_ptr<service::AgencyService> agencies;
    std::unique_ptr<service::ReviewActions> review;
    std::unique_ptr<service::DeadlineSweeper> sweeper;
    std::unique_ptr<service::StatsService> stats;
    std::unique_ptr<service::CaseService> cases;
    std::unique_ptr<service::TicketWork> work;
    std::unique_ptr<service::PeopleService> people;
    std::unique_ptr<service::Sessions> sessions;
    std::unique_ptr<http::Api> api;
    std::string intake_key, staff_key, admin_key;

    World() {
        spdlog::set_level(spdlog::level::off);
        // /dev/shm when there is one: the fuzzer submits thousands of clues a second.
        const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
        std::string pattern = std::string(base) + "/clue-router-fuzz-XXXXXX";
        FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
        config.database = (dir / "fuzz.db").string();
        config.directory = CLUE_ROUTER_SOURCE_DIR "/config/demo-directory.json";
        config.criteria = CLUE_ROUTER_SOURCE_DIR "/config/criteria.json";
        config.relief_standards = CLUE_ROUTER_SOURCE_DIR "/config/relief-standards.json";
        config.routing = CLUE_ROUTER_SOURCE_DIR "/config/routing.json";
        config.deadlines = CLUE_ROUTER_SOURCE_DIR "/config/deadlines.json";
        // The default is relative to the working directory, which a fuzzer run does not fix.
        config.regions = CLUE_ROUTER_SOURCE_DIR "/config/regions.json";
        storage::SqliteOptions options;
        options.path = config.database;
        options.synchronous = "NORMAL";  // durability is not under test here
        // A fresh keyring: personal data is sealed at rest, as in the server.
        options.cipher =
            service::DataKeyring::parse(service::DataKeyring::with_new_data_key("", clock.now()));
        store = storage::open_sqlite_store(options);
        // The directory file seeds the database, as serve does.
        auto runtime = app::load_runtime_config(config, *store);
        holder = std::make_unique<service::RuntimeConfigHolder>(runtime);
        keys = std::make_unique<service::ApiKeys>(*store, clock);
        clues = std::make_unique<service::ClueService>(*store, *holder, clock);
        tickets = std::make_unique<service::TicketService>(*store, *holder, clock);
        admin = std::make_unique<service::ScreeningAdmin>(
            *store, *holder, clock, service::ClueServiceOptions{},
            [this] { return holder->get()->criteria.version; });
        audit = std::make_unique<service::AuditService>(*store);
        webhooks = std::make_unique<service::WebhookService>(*store, *holder, clock);
        agencies = std::make_unique<service::AgencyService>(*store, *holder, clock);
        review = std::make_unique<service::ReviewActions>(*store, *holder, clock);
        sweeper = std::make_unique<service::DeadlineSweeper>(*store, *holder, clock);
        stats = std::make_unique<service::StatsService>(*store, clock, std::chrono::minutes(480));
        cases = std::make_unique<service::CaseService>(*store);
        work = std::make_unique<service::TicketWork>(*store, *holder, clock);
        people = std::make_unique<service::PeopleService>(*store, clock, service::PeopleOptions{});
        sessions = std::make_unique<service::Sessions>(*store, clock, service::SessionOptions{});
        api = std::make_unique<http::Api>(
            http::ApiServices{*store, *keys, *clues, *tickets, *admin, *audit, *webhooks, *agencies,
                              *review, *sweeper, *stats, *cases, *work, *people, *sessions});
        const auto by = service::command_line_actor(clock.now());
        intake_key = keys->create(by, "hotline-12309-sc", service::Role::intake, "fuzz", {}).secret;
        staff_key = keys->create(by, "proc-511702", service::Role::staff, "fuzz", {}).secret;
        admin_key = keys->create(by, "proc-510000", service::Role::admin, "fuzz", {}).secret;
    }
    ~World() {
        api.reset();
        store->stop();
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
};

World& world() {
    static World w;
    return w;
}

void substitute(std::string& text, std::string_view placeholder, const std::string& key) {
    for (auto at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + key.size())) {
        text.replace(at, placeholder.size(), key);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    std::string bytes(reinterpret_cast<const char*>(data), size);
    substitute(bytes, "@INTAKE@", w.intake_key);
    substitute(bytes, "@STAFF@", w.staff_key);
    substitute(bytes, "@ADMIN@", w.admin_key);

    // The server's parser and limits (see Session::read_header).
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1 << 20);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = parser.put(boost::asio::buffer(bytes), ec);
    while (!ec && !parser.is_done() && used < bytes.size()) {
        const std::size_t more =
            parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        if (more == 0) break;
        used += more;
    }
    if (!parser.is_done() && !ec) parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;  // the session answers 400 or waits; no handler
    if (http::framing_problem(parser.get())) return 0;  // so does a smuggling attempt

    std::promise<http::Response> replied;
    auto future = replied.get_future();
    auto calls = std::make_shared<int>(0);
    const auto peer = domain::IpAddress::from_v4(0x7f000001);
    w.api->handle(parser.release(), peer, [&replied, calls](http::Response&& res) {
        FUZZ_CHECK(++*calls == 1);
        replied.set_value(std::move(res));
    });
    FUZZ_CHECK(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    const http::Response res = future.get();
    const int status = res.result_int();
    FUZZ_CHECK(status != 500);
    FUZZ_CHECK(status >= 200 && status < 600);
    if (status >= 400) {
        FUZZ_CHECK(res[beast_http::field::content_type] == "application/problem+json");
        const auto problem = nlohmann::json::parse(res.body(), nullptr, false);
        FUZZ_CHECK(problem.is_object() && problem.value("status", 0) == status);
    }
    return 0;
}
