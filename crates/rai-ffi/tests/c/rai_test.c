/* Exercises the whole C API: loading every table, queries on the
 * endpoints in JSON, XML and CSV, every error path, queries from several
 * threads, and a durable store (argv[2]) closed and reopened. Prints a transcript that the Rust test compares with
 * expected.txt and with the engine's own answers. */
#include "rai.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t NOW = 1792835159000LL; /* 2026-10-24T09:45:59.000Z */

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf) { fclose(f); return NULL; }
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static void show_error(const char *what, RaiStatus st, RaiBuffer err) {
    printf("ERROR %s status=%d message=%s\n", what, (int)st, err.ptr ? err.ptr : "(none)");
    rai_buffer_free(err);
}

static void query(RaiEngine *e, const char *endpoint, const char *q, const char *format) {
    RaiBuffer body, err;
    uint64_t total = 0;
    RaiStatus st = rai_query(e, endpoint, q, format, &NOW, &body, &total, &err);
    printf("QUERY %s %s %s\n", endpoint, format, q);
    if (st == RAI_STATUS_OK) {
        printf("STATUS 0 TOTAL %llu LEN %zu\n%s\n", (unsigned long long)total, body.len, body.ptr);
    } else {
        printf("STATUS %d MESSAGE %s\n", (int)st, err.ptr);
    }
    rai_buffer_free(body);
    rai_buffer_free(err);
}

struct job { RaiEngine *e; const char *expected; int ok; };

static void *worker(void *arg) {
    struct job *j = arg;
    for (int i = 0; i < 50; i++) {
        RaiBuffer body, err;
        uint64_t total = 0;
        RaiStatus st = rai_query(j->e, "contactHistory",
            "startTime=2026-10-24&endTime=2026-10-26&timeCategory=hour&timeZone=Europe/Helsinki", "json",
            &NOW, &body, &total, &err);
        if (st != RAI_STATUS_OK || strcmp(body.ptr, j->expected) != 0) j->ok = 0;
        rai_buffer_free(body);
        rai_buffer_free(err);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: rai_test DATA_DIR\n"); return 2; }
    RaiEngine *e = rai_engine_new();
    const char *tables[] = {"contacts", "agentIntervals", "agentStates", "agentStatusEvents", "users", "translations"};
    const char *formats[] = {"jsonl", "json", "csv"};
    for (int t = 0; t < 6; t++) {
        for (int f = 0; f < 3; f++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.%s", argv[1], tables[t], formats[f]);
            size_t len = 0;
            char *data = read_file(path, &len);
            if (!data) continue;
            uint64_t id = 0;
            RaiBuffer err;
            RaiStatus st = rai_load(e, tables[t], formats[f], (const uint8_t *)data, len, &id, &err);
            printf("LOAD %s.%s status=%d batch=%llu\n", tables[t], formats[f], (int)st, (unsigned long long)id);
            rai_buffer_free(err);
            free(data);
        }
    }

    query(e, "contactHistory", "startTime=2026-10-24&endTime=2026-10-26&timeCategory=hour&timeZone=Europe/Helsinki&limit=3", "json");
    query(e, "agentHistory", "startTime=2026-06-15&endTime=2026-06-16&showProfile=true&limit=2", "json");
    query(e, "contactStatistic", "startTime=2026-10-24&showUser=true&sort=userName,LOCALE-fi&limit=2", "json");
    query(e, "agentStatistic", "startTime=2026-03-08&timeCategory=day&limit=2", "xml");
    query(e, "agentStatus", "startTime=2026-01-01&showAgentInfo=true&language=fi&limit=2", "json");
    query(e, "agentStatusHistory", "startTime=2026-06-15&endTime=2026-06-16&limit=2", "xml");
    query(e, "agentStatusTime", "startTime=2026-06-15&endTime=2026-06-16&timeCategory=hour&sort=-stateDuration&limit=2", "csv");
    query(e, "contactHistory", "startTime=2026-10-24&endTime=2026-10-26&showChannel=false&showChannelType=false&percentiles=50,90&limit=1", "json");

    /* The same query again is answered from the result cache; with the
     * cache off it is computed: the same bytes either way. */
    query(e, "agentStatusHistory", "startTime=2026-06-15&endTime=2026-06-16&limit=2", "xml");
    RaiBuffer cache_err;
    RaiStatus cache_st = rai_set_cache_bytes(e, 0, &cache_err);
    printf("CACHE OFF status=%d\n", (int)cache_st);
    rai_buffer_free(cache_err);
    query(e, "agentStatusHistory", "startTime=2026-06-15&endTime=2026-06-16&limit=2", "xml");
    cache_st = rai_set_cache_bytes(NULL, 0, &cache_err);
    show_error("cache of a null engine", cache_st, cache_err);

    /* Error paths. */
    query(e, "contactHistory", "startTime=2019-01-01&queueId=XYZ", "json");
    query(e, "contactHistory", "endTime=2019-01-01", "json");
    query(e, "nope", "startTime=2019-01-01", "json");
    query(e, "agentStatus", "startTime=2019-01-01", "yaml");
    RaiBuffer err;
    RaiStatus st = rai_query(NULL, "agentStatus", "startTime=2019-01-01", "json", NULL, NULL, NULL, &err);
    show_error("null engine", st, err);
    st = rai_query(e, "agentStatus", NULL, "json", NULL, NULL, NULL, &err);
    show_error("null query", st, err);
    const char bad_utf8[] = {(char)0xC3, (char)0x28, 0};
    st = rai_query(e, bad_utf8, "startTime=2019-01-01", "json", NULL, NULL, NULL, &err);
    show_error("invalid UTF-8", st, err);
    const char *bad_csv = "userId,changeTimestamp\nXYZ,2019-01-01\n";
    st = rai_load(e, "users", "csv", (const uint8_t *)bad_csv, strlen(bad_csv), NULL, &err);
    show_error("bad data", st, err);
    st = rai_load(e, "tables", "csv", (const uint8_t *)bad_csv, strlen(bad_csv), NULL, &err);
    show_error("unknown table", st, err);
    st = rai_load(e, "users", "xml", (const uint8_t *)bad_csv, strlen(bad_csv), NULL, &err);
    show_error("unknown format", st, err);
    st = rai_load(e, "users", "csv", NULL, 10, NULL, &err);
    show_error("null data", st, err);
    st = rai_retract(e, 999999, &err);
    show_error("unknown batch", st, err);
    st = rai_upsert(e, "contacts", (const uint8_t *)"{}", 2, &err);
    show_error("upsert into contacts", st, err);
    const char *bad_json = "{\"userId\":";
    st = rai_upsert(e, "users", (const uint8_t *)bad_json, strlen(bad_json), &err);
    show_error("bad upsert", st, err);

    /* Write paths: a batch, its retraction, an upsert. */
    const char *csv = "contactId,channel,type,arrivalTime,changeTimestamp\n"
                      "6BE639E35B75440C840881F04D260EF8,Phone,CallIn,2030-01-01T10:00:00Z,2030-01-01T10:00:00Z\n";
    uint64_t id = 0;
    st = rai_load(e, "contacts", "csv", (const uint8_t *)csv, strlen(csv), &id, &err);
    rai_buffer_free(err);
    query(e, "contactHistory", "startTime=2030-01-01&endTime=2030-01-02&showDetails=true&showQueue=false", "json");
    st = rai_retract(e, id, &err);
    printf("RETRACT status=%d\n", (int)st);
    rai_buffer_free(err);
    query(e, "contactHistory", "startTime=2030-01-01&endTime=2030-01-02&showDetails=true", "json");
    const char *state = "{\"userId\":\"AC083B34470B4164A6A5968DD031B5E5\",\"userStatus\":\"Ready\",\"availability\":\"Free\",\"changeTimestamp\":\"2030-01-01T00:00:00Z\"}";
    st = rai_upsert(e, "agentStates", (const uint8_t *)state, strlen(state), &err);
    printf("UPSERT status=%d\n", (int)st);
    rai_buffer_free(err);
    query(e, "agentStatus", "startTime=2030-01-01", "json");

    /* Several threads on one engine. */
    RaiBuffer expected;
    uint64_t total = 0;
    rai_query(e, "contactHistory", "startTime=2026-10-24&endTime=2026-10-26&timeCategory=hour&timeZone=Europe/Helsinki",
              "json", &NOW, &expected, &total, &err);
    rai_buffer_free(err);
    pthread_t th[4];
    struct job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){e, expected.ptr, 1};
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    }
    int all_ok = 1;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        all_ok &= jobs[i].ok;
    }
    printf("THREADS 4x50 %s\n", all_ok ? "identical" : "DIFFERENT");
    rai_buffer_free(expected);

    /* A durable store: a write survives closing and reopening. */
    if (argc > 2) {
        RaiEngine *s = NULL;
        st = rai_engine_open(argv[2], "sync", &s, &err);
        printf("STORE open status=%d\n", (int)st);
        rai_buffer_free(err);
        uint64_t sid = 0;
        st = rai_load(s, "contacts", "csv", (const uint8_t *)csv, strlen(csv), &sid, &err);
        printf("STORE load status=%d batch=%llu\n", (int)st, (unsigned long long)sid);
        rai_buffer_free(err);
        rai_engine_free(s);
        s = NULL;
        st = rai_engine_open(argv[2], NULL, &s, &err);
        printf("STORE reopen status=%d\n", (int)st);
        rai_buffer_free(err);
        RaiBuffer body;
        uint64_t n = 0;
        st = rai_query(s, "contactHistory", "startTime=2030-01-01&endTime=2030-01-02&showDetails=true&showQueue=false",
                       "json", &NOW, &body, &n, &err);
        printf("STORE query status=%d total=%llu\n%s\n", (int)st, (unsigned long long)n, body.ptr ? body.ptr : "");
        rai_buffer_free(body);
        rai_buffer_free(err);
        rai_engine_free(s);
        s = NULL;
        st = rai_engine_open(argv[2], "fast", &s, &err);
        show_error("unknown durability", st, err);
        st = rai_engine_open(NULL, NULL, &s, &err);
        show_error("null store dir", st, err);
    }

    rai_engine_free(e);
    rai_engine_free(NULL);
    printf("DONE\n");
    return all_ok ? 0 : 1;
}
