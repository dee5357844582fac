/*
 * loadgen: the one load generator of Weft's macro benchmarks, the same for every peer.
 *
 * A single-threaded epoll client. It opens N TCP connections to an echo server on loopback and
 * runs closed-loop ping-pong on the first A of them (send a message of SIZE bytes, wait for all
 * of it to come back, send the next), or streams BYTES through one connection (bulk mode).
 * Every echoed byte is checked against what was sent.
 *
 *   loadgen --port P [--host 127.0.0.1] [--mode pingpong|bulk|soak] [--conns N] [--active A]
 *           [--size BYTES] [--warmup SEC] [--duration SEC] [--server-pid PID] [--pause]
 *           [--check-idle] [--bulk-bytes N] [--warm-bytes N]
 *
 * Phases (pingpong): connect every connection, each doing one first echo; with --pause, print
 * "CONNECTED ..." and wait for a line on stdin (the driver measures the server's memory then);
 * warm up for --warmup seconds (the JIT of a Java server compiles its hot paths here); measure
 * for --duration seconds; let the requests in flight finish; with --check-idle send one message
 * on every connection that was idle and count those that answer; print "RESULT k=v ...".
 *
 * The server's CPU time over the measured window is read from /proc/PID/stat (utime + stime) at
 * the window's two ends, as is this process's own, so the report can show which side was busy;
 * so is the time each side spent waiting for a CPU that other processes held (schedstat).
 * Connections are closed with SO_LINGER 0 (a reset): thousands of TIME_WAIT sockets per run
 * would otherwise exhaust the ephemeral ports over a suite of runs.
 *
 * Soak (--mode soak --churn PER_S): as pingpong, for --duration seconds, while PER_S connections
 * a second close (a plain close: FIN, so the server's graceful path runs) and open again. A
 * failure of one connection (reset, refused connect, a wrong or missing echo, the server closing
 * it) is counted, not fatal: the connection is closed and opened again. Every second it prints
 * "TICK t_s=... rtt=... p99_us=... errors=... churned=... open=..." (that second's numbers), and
 * at the end "RESULT mode=soak ...". The first few errors go to stderr, one line each.
 *
 * Errors: "ERROR message" on stdout, exit status 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "histogram.h"

#define PATTERN_PERIOD 65536
#define MAX_SIZE 65536
#define CONNECT_WINDOW 256 /* connects in flight at once: stays far below any listen backlog */

enum conn_state { C_CONNECTING, C_WAITING, C_IDLE };
enum phase { P_CONNECT, P_WARMUP, P_MEASURE, P_DRAIN, P_CHECK, P_DONE };

typedef struct {
    int fd;
    uint8_t state;
    uint8_t active;
    uint8_t want_out; /* EPOLLOUT currently registered */
    uint8_t checked;  /* answered the idle check */
    uint8_t fresh;    /* soak: reopened, its first echo not back yet (not a round trip) */
    uint32_t sent;    /* bytes of the current message sent */
    uint32_t recvd;   /* bytes of the current message received */
    uint64_t t0;      /* when the current message (or the connect) started, ns */
} conn_t;

static struct {
    const char *host;
    int port;
    int bulk;
    int conns;
    int active;
    uint32_t size;
    double warmup_s;
    double duration_s;
    int server_pid;
    int pause;
    int check_idle;
    uint64_t bulk_bytes;
    uint64_t warm_bytes;
    int soak;
    int churn;
} opt = {"127.0.0.1", 0, 0, 1, -1, 1024, 2.0, 5.0, 0, 0, 0, 1ull << 30, 256ull << 20, 0, 100};

static uint8_t pattern[2 * PATTERN_PERIOD];
static uint8_t scratch[MAX_SIZE];
static conn_t *conns;
static int ep;
static struct sockaddr_in server;

static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("ERROR ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* utime + stime of a process in clock ticks, from /proc/PID/stat; -1 when unreadable. */
static long long proc_cpu_ticks(int pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    p += 2; /* field 3, the state */
    for (int field = 3; field < 14; field++) {
        p = strchr(p, ' ');
        if (!p) return -1;
        p++;
    }
    long long utime, stime;
    if (sscanf(p, "%lld %lld", &utime, &stime) != 2) return -1;
    return utime + stime;
}

/*
 * Seconds a process's threads spent runnable but waiting for a CPU (the second field of
 * /proc/PID/task/TID/schedstat, summed): time other processes took from it. The report's
 * measure of how noisy the machine was during a window. -1 when unreadable.
 */
static double proc_wait_s(int pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    unsigned long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char file[320];
        snprintf(file, sizeof file, "/proc/%d/task/%s/schedstat", pid, e->d_name);
        FILE *f = fopen(file, "r");
        if (!f) continue; /* the thread ended meanwhile */
        unsigned long long run, wait;
        if (fscanf(f, "%llu %llu", &run, &wait) == 2) total += wait;
        fclose(f);
    }
    closedir(d);
    return total / 1e9;
}

static double self_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A connection failed: fatal, except in soak mode, where it is counted and the connection reopened. */
static void conn_error(int i, const char *fmt, ...);

static void set_events(int i, int want_out) {
    conn_t *c = &conns[i];
    if (c->want_out == want_out) return;
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) fail("epoll_ctl: %s", strerror(errno));
    c->want_out = (uint8_t)want_out;
}

static void start_connect(int i) {
    conn_t *c = &conns[i];
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket (connection %d): %s; raise ulimit -n", i, strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->state = C_CONNECTING;
    c->t0 = now_ns();
    if (connect(fd, (struct sockaddr *)&server, sizeof server) < 0 && errno != EINPROGRESS)
        fail("connect (connection %d): %s", i, strerror(errno));
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll_ctl add: %s", strerror(errno));
    c->want_out = 1;
}

/* Sends what is left of the current message; registers for writability if the kernel took less. */
static void push(int i) {
    conn_t *c = &conns[i];
    while (c->sent < opt.size) {
        ssize_t n = write(c->fd, pattern + c->sent, opt.size - c->sent);
        if (n < 0) {
            if (errno == EAGAIN) break;
            conn_error(i, "write (connection %d): %s", i, strerror(errno));
            return;
        }
        c->sent += (uint32_t)n;
    }
    set_events(i, c->sent < opt.size);
}

static void send_message(int i, uint64_t t) {
    conn_t *c = &conns[i];
    c->state = C_WAITING;
    c->sent = 0;
    c->recvd = 0;
    c->t0 = t;
    push(i);
}

/* ---- ping-pong ---- */

static enum phase phase = P_CONNECT;
static histogram_t lat, conn_lat;
static uint64_t round_trips, in_flight, ready, connecting, next_to_connect, idle_answered;
static uint64_t soak_errors, soak_churn_owed, soak_churned;
static void soak_reopen(int i);

/* A message came back whole on connection i at time t. */
static void completed(int i, uint64_t t) {
    conn_t *c = &conns[i];
    uint64_t took = t - c->t0;
    c->state = C_IDLE;
    in_flight--;
    switch (phase) {
    case P_CONNECT:
        hist_record(&conn_lat, took);
        connecting--;
        ready++;
        break;
    case P_WARMUP:
        send_message(i, t);
        in_flight++;
        break;
    case P_MEASURE:
        if (c->fresh) {
            c->fresh = 0;
            hist_record(&conn_lat, took);
            if (c->active) {
                send_message(i, t);
                in_flight++;
            }
            break;
        }
        hist_record(&lat, took);
        round_trips++;
        if (opt.soak && soak_churn_owed > 0 && c->active) {
            soak_churn_owed--; /* an active connection takes its share of the churn between messages */
            soak_reopen(i);
            break;
        }
        if (c->active || !opt.soak) {
            send_message(i, t);
            in_flight++;
        }
        break;
    case P_CHECK:
        c->checked = 1;
        idle_answered++;
        break;
    default:
        break;
    }
}

static void on_readable(int i) {
    conn_t *c = &conns[i];
    for (;;) {
        uint32_t want = c->state == C_WAITING ? opt.size - c->recvd : 1;
        ssize_t n = read(c->fd, scratch, want);
        if (n < 0) {
            if (errno == EAGAIN) return;
            conn_error(i, "read (connection %d): %s", i, strerror(errno));
            return;
        }
        if (n == 0) { conn_error(i, "connection %d: the server closed it", i); return; }
        if (c->state != C_WAITING) { conn_error(i, "connection %d: %zd bytes arrived that were never sent", i, n); return; }
        if (memcmp(scratch, pattern + c->recvd, (size_t)n) != 0) {
            conn_error(i, "connection %d: the echo differs from what was sent", i);
            return;
        }
        c->recvd += (uint32_t)n;
        if (c->recvd == opt.size) {
            completed(i, now_ns());
            return;
        }
    }
}

static void on_connected(int i) {
    conn_t *c = &conns[i];
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) { conn_error(i, "connect (connection %d): %s", i, strerror(err)); return; }
    uint64_t t0 = c->t0;
    send_message(i, t0); /* the first echo counts into the connect time */
    in_flight++;
}

/* One epoll wait of at most timeout_ms, and the events it returns. */
static void poll_once(int timeout_ms) {
    struct epoll_event evs[512];
    int n = epoll_wait(ep, evs, 512, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) return;
        fail("epoll_wait: %s", strerror(errno));
    }
    for (int k = 0; k < n; k++) {
        int i = (int)evs[k].data.u32;
        conn_t *c = &conns[i];
        if (c->state == C_CONNECTING) {
            if (evs[k].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(i);
            continue;
        }
        if (evs[k].events & EPOLLOUT) push(i);
        if (evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(i);
    }
}

static void fill_connect_window(void) {
    while (next_to_connect < (uint64_t)opt.conns && connecting < CONNECT_WINDOW) {
        start_connect((int)next_to_connect++);
        connecting++;
    }
}

static void wait_for_go(void) {
    char line[64];
    if (!fgets(line, sizeof line, stdin)) fail("stdin closed while paused");
}

static void close_all(void) {
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    for (int i = 0; i < opt.conns; i++) {
        if (conns[i].fd > 0) {
            setsockopt(conns[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(conns[i].fd);
        }
    }
}

static void run_pingpong(void) {
    hist_init(&lat);
    hist_init(&conn_lat);
    uint64_t t_connect = now_ns();
    while (ready < (uint64_t)opt.conns) {
        fill_connect_window();
        poll_once(1000);
        if (now_ns() - t_connect > 120ull * 1000000000ull)
            fail("only %llu of %d connections answered within 120 s", (unsigned long long)ready, opt.conns);
    }
    double connect_ms = (now_ns() - t_connect) / 1e6;
    if (opt.pause) {
        printf("CONNECTED conns=%d connect_ms=%.1f\n", opt.conns, connect_ms);
        fflush(stdout);
        wait_for_go();
    }

    phase = P_WARMUP;
    uint64_t t = now_ns();
    for (int i = 0; i < opt.active; i++) {
        conns[i].active = 1;
        send_message(i, t);
        in_flight++;
    }
    uint64_t warm_end = t + (uint64_t)(opt.warmup_s * 1e9);
    while ((t = now_ns()) < warm_end) poll_once((int)((warm_end - t) / 1000000) + 1);

    phase = P_MEASURE;
    double srvw0 = opt.server_pid ? proc_wait_s(opt.server_pid) : -1, genw0 = proc_wait_s(getpid());
    long long srv0 = opt.server_pid ? proc_cpu_ticks(opt.server_pid) : -1;
    double gen0 = self_cpu_s();
    uint64_t m0 = now_ns(), m_end = m0 + (uint64_t)(opt.duration_s * 1e9);
    while ((t = now_ns()) < m_end) poll_once((int)((m_end - t) / 1000000) + 1);
    uint64_t m1 = now_ns();
    long long srv1 = opt.server_pid ? proc_cpu_ticks(opt.server_pid) : -1;
    double gen1 = self_cpu_s();
    double srvw1 = opt.server_pid ? proc_wait_s(opt.server_pid) : -1, genw1 = proc_wait_s(getpid());

    phase = P_DRAIN;
    uint64_t drain_end = now_ns() + 10ull * 1000000000ull;
    while (in_flight > 0 && now_ns() < drain_end) poll_once(100);
    if (in_flight > 0) fail("%llu requests still unanswered 10 s after the measurement", (unsigned long long)in_flight);

    uint64_t idle_total = 0;
    double check_ms = 0;
    if (opt.check_idle) {
        phase = P_CHECK;
        uint64_t c0 = now_ns();
        for (int i = opt.active; i < opt.conns; i++) {
            send_message(i, c0);
            in_flight++;
            idle_total++;
        }
        uint64_t check_end = c0 + 30ull * 1000000000ull;
        while (in_flight > 0 && now_ns() < check_end) poll_once(100);
        check_ms = (now_ns() - c0) / 1e6;
    }

    double secs = (m1 - m0) / 1e9;
    double tick = (double)sysconf(_SC_CLK_TCK);
    double srv_cpu = srv0 >= 0 && srv1 >= 0 ? (srv1 - srv0) / tick : -1;
    printf("RESULT mode=pingpong conns=%d active=%d size=%u window_s=%.3f round_trips=%llu rtt_per_s=%.1f"
           " p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f mean_us=%.2f"
           " connect_ms=%.1f connect_p50_us=%.1f connect_p99_us=%.1f"
           " srv_cpu_s=%.3f gen_cpu_s=%.3f srv_wait_s=%.3f gen_wait_s=%.3f idle_total=%llu idle_ok=%llu"
           " check_ms=%.1f\n",
           opt.conns, opt.active, opt.size, secs, (unsigned long long)round_trips, round_trips / secs,
           hist_percentile(&lat, 50) / 1e3, hist_percentile(&lat, 99) / 1e3, hist_percentile(&lat, 99.9) / 1e3,
           hist_max(&lat) / 1e3, hist_mean(&lat) / 1e3, connect_ms, hist_percentile(&conn_lat, 50) / 1e3,
           hist_percentile(&conn_lat, 99) / 1e3, srv_cpu, gen1 - gen0,
           srvw0 >= 0 && srvw1 >= 0 ? srvw1 - srvw0 : -1, genw0 >= 0 && genw1 >= 0 ? genw1 - genw0 : -1,
           (unsigned long long)idle_total,
           (unsigned long long)idle_answered, check_ms);
    fflush(stdout);
    close_all();
}

/* ---- soak ---- */

static void conn_error(int i, const char *fmt, ...) {
    va_list ap;
    if (!opt.soak) {
        char msg[512];
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        fail("%s", msg);
    }
    if (soak_errors++ < 20) {
        va_start(ap, fmt);
        fprintf(stderr, "soak error: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
    }
    if (conns[i].state != C_IDLE) in_flight--;
    soak_reopen(i);
}

/* Closes connection i (FIN) and starts connecting it again; its first echo comes back as in the connect phase. */
static void soak_reopen(int i) {
    conn_t *c = &conns[i];
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    soak_churned++;
    start_connect(i);
    c->fresh = 1;
    in_flight++; /* the connect and its first echo */
}

static void run_soak(void) {
    hist_init(&lat);
    hist_init(&conn_lat);
    uint64_t t_connect = now_ns();
    while (ready < (uint64_t)opt.conns) {
        fill_connect_window();
        poll_once(1000);
        if (now_ns() - t_connect > 120ull * 1000000000ull)
            fail("only %llu of %d connections answered within 120 s", (unsigned long long)ready, opt.conns);
    }
    printf("CONNECTED conns=%d connect_ms=%.1f\n", opt.conns, (now_ns() - t_connect) / 1e6);
    fflush(stdout);
    phase = P_MEASURE;
    uint64_t t = now_ns();
    for (int i = 0; i < opt.active; i++) {
        conns[i].active = 1;
        send_message(i, t);
        in_flight++;
    }
    soak_churned = 0;
    uint64_t start = t, end = t + (uint64_t)(opt.duration_s * 1e9), next_tick = t + 1000000000ull;
    uint64_t next_slice = t, total_rt = 0, cursor = (uint64_t)opt.active;
    uint64_t tick_rt0 = 0, tick_err0 = 0, tick_churn0 = 0;
    while ((t = now_ns()) < end) {
        if (t >= next_slice) { /* a tenth of a second's churn: idle connections first, in turn */
            next_slice += 100000000ull;
            uint64_t owed = (uint64_t)opt.churn / 10 + soak_churn_owed;
            soak_churn_owed = 0;
            for (int tries = 0; owed > 0 && tries < opt.conns; tries++) {
                int i = (int)(cursor++ % (uint64_t)opt.conns);
                if (conns[i].active) continue;
                if (conns[i].state == C_IDLE) { soak_reopen(i); owed--; }
            }
            soak_churn_owed = owed; /* no idle connection free: active ones take it between messages */
        }
        if (t >= next_tick) {
            double p99 = hist_percentile(&lat, 99) / 1e3;
            printf("TICK t_s=%.1f rtt=%llu p99_us=%.1f errors=%llu churned=%llu open=%d\n", (t - start) / 1e9,
                   (unsigned long long)(round_trips - tick_rt0), p99, (unsigned long long)(soak_errors - tick_err0),
                   (unsigned long long)(soak_churned - tick_churn0), opt.conns);
            fflush(stdout);
            total_rt += round_trips - tick_rt0;
            tick_rt0 = round_trips;
            tick_err0 = soak_errors;
            tick_churn0 = soak_churned;
            hist_init(&lat); /* each tick's p99 is its own second's */
            next_tick += 1000000000ull;
        }
        uint64_t wake = next_slice < next_tick ? next_slice : next_tick;
        if (wake > end) wake = end;
        poll_once(wake > t ? (int)((wake - t) / 1000000) + 1 : 0);
    }
    total_rt += round_trips - tick_rt0;
    double secs = (now_ns() - start) / 1e9;
    printf("RESULT mode=soak conns=%d active=%d size=%u window_s=%.3f round_trips=%llu rtt_per_s=%.1f errors=%llu"
           " churned=%llu\n",
           opt.conns, opt.active, opt.size, secs, (unsigned long long)total_rt, total_rt / secs,
           (unsigned long long)soak_errors, (unsigned long long)soak_churned);
    fflush(stdout);
    close_all();
}

/* ---- bulk ---- */

/* Streams `total` bytes through connection 0 in writes of at most opt.size bytes and reads the
 * echo back at the same time; returns when every byte came back, checked. */
static void stream(uint64_t total) {
    conn_t *c = &conns[0];
    uint64_t out = 0, in = 0;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = 0};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    int want_out = 1;
    while (in < total) {
        struct epoll_event evs[4];
        int n = epoll_wait(ep, evs, 4, 10000);
        if (n == 0) fail("bulk: no progress for 10 s (%llu of %llu bytes back)", (unsigned long long)in,
                         (unsigned long long)total);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait: %s", strerror(errno));
        }
        uint32_t e = evs[0].events;
        if ((e & EPOLLOUT) && out < total) {
            for (;;) {
                uint64_t left = total - out;
                size_t len = left < opt.size ? (size_t)left : opt.size;
                size_t off = (size_t)(out % PATTERN_PERIOD);
                if (off + len > 2 * PATTERN_PERIOD) len = 2 * PATTERN_PERIOD - off;
                ssize_t w = write(c->fd, pattern + off, len);
                if (w < 0) {
                    if (errno == EAGAIN) break;
                    fail("bulk write: %s", strerror(errno));
                }
                out += (uint64_t)w;
                if (out == total) break;
            }
        }
        if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
            for (;;) {
                ssize_t r = read(c->fd, scratch, sizeof scratch);
                if (r < 0) {
                    if (errno == EAGAIN) break;
                    fail("bulk read: %s", strerror(errno));
                }
                if (r == 0) fail("bulk: the server closed the connection");
                if (in + (uint64_t)r > out) fail("bulk: more bytes came back than were sent");
                /* The pattern is PATTERN_PERIOD periodic and stored twice, so any read of at most
                 * PATTERN_PERIOD bytes compares against one contiguous slice. */
                if (memcmp(scratch, pattern + in % PATTERN_PERIOD, (size_t)r) != 0)
                    fail("bulk: the echo differs from what was sent at byte %llu", (unsigned long long)in);
                in += (uint64_t)r;
            }
        }
        if (out == total && want_out) {
            ev.events = EPOLLIN;
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            want_out = 0;
        }
    }
}

static void run_bulk(void) {
    uint64_t t_connect = now_ns();
    start_connect(0);
    while (conns[0].state == C_CONNECTING) {
        struct epoll_event e;
        if (epoll_wait(ep, &e, 1, 10000) <= 0) fail("bulk: connect did not finish within 10 s");
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(conns[0].fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) fail("connect: %s", strerror(err));
        conns[0].state = C_IDLE;
    }
    double connect_ms = (now_ns() - t_connect) / 1e6;
    stream(opt.warm_bytes);
    double srvw0 = opt.server_pid ? proc_wait_s(opt.server_pid) : -1, genw0 = proc_wait_s(getpid());
    long long srv0 = opt.server_pid ? proc_cpu_ticks(opt.server_pid) : -1;
    double gen0 = self_cpu_s();
    uint64_t t0 = now_ns();
    stream(opt.bulk_bytes);
    uint64_t t1 = now_ns();
    long long srv1 = opt.server_pid ? proc_cpu_ticks(opt.server_pid) : -1;
    double gen1 = self_cpu_s();
    double srvw1 = opt.server_pid ? proc_wait_s(opt.server_pid) : -1, genw1 = proc_wait_s(getpid());
    double secs = (t1 - t0) / 1e9, tick = (double)sysconf(_SC_CLK_TCK);
    printf("RESULT mode=bulk conns=1 size=%u window_s=%.3f bytes=%llu gb_per_s=%.4f connect_ms=%.1f"
           " srv_cpu_s=%.3f gen_cpu_s=%.3f srv_wait_s=%.3f gen_wait_s=%.3f\n",
           opt.size, secs, (unsigned long long)opt.bulk_bytes, opt.bulk_bytes / secs / 1e9, connect_ms,
           srv0 >= 0 && srv1 >= 0 ? (srv1 - srv0) / tick : -1, gen1 - gen0,
           srvw0 >= 0 && srvw1 >= 0 ? srvw1 - srvw0 : -1, genw0 >= 0 && genw1 >= 0 ? genw1 - genw0 : -1);
    fflush(stdout);
    close_all();
}

/* ---- options ---- */

static const char *value(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) fail("%s needs a value", argv[*i]);
    return argv[++*i];
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--host")) opt.host = value(argc, argv, &i);
        else if (!strcmp(a, "--port")) opt.port = atoi(value(argc, argv, &i));
        else if (!strcmp(a, "--mode")) {
            const char *m = value(argc, argv, &i);
            opt.bulk = !strcmp(m, "bulk");
            opt.soak = !strcmp(m, "soak");
        }
        else if (!strcmp(a, "--churn")) opt.churn = atoi(value(argc, argv, &i));
        else if (!strcmp(a, "--conns")) opt.conns = atoi(value(argc, argv, &i));
        else if (!strcmp(a, "--active")) opt.active = atoi(value(argc, argv, &i));
        else if (!strcmp(a, "--size")) opt.size = (uint32_t)atoi(value(argc, argv, &i));
        else if (!strcmp(a, "--warmup")) opt.warmup_s = atof(value(argc, argv, &i));
        else if (!strcmp(a, "--duration")) opt.duration_s = atof(value(argc, argv, &i));
        else if (!strcmp(a, "--server-pid")) opt.server_pid = atoi(value(argc, argv, &i));
        else if (!strcmp(a, "--bulk-bytes")) opt.bulk_bytes = strtoull(value(argc, argv, &i), NULL, 10);
        else if (!strcmp(a, "--warm-bytes")) opt.warm_bytes = strtoull(value(argc, argv, &i), NULL, 10);
        else if (!strcmp(a, "--pause")) opt.pause = 1;
        else if (!strcmp(a, "--check-idle")) opt.check_idle = 1;
        else fail("unknown option %s", a);
    }
    if (opt.port <= 0) fail("--port is required");
    if (opt.bulk) opt.conns = 1;
    if (opt.active < 0 || opt.active > opt.conns) opt.active = opt.conns;
    if (opt.size == 0 || opt.size > MAX_SIZE) fail("--size must be 1..%d", MAX_SIZE);
    for (size_t k = 0; k < sizeof pattern; k++) pattern[k] = (uint8_t)((k % PATTERN_PERIOD) * 31 + 7 + (k % PATTERN_PERIOD) / 251);

    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)opt.port);
    if (inet_pton(AF_INET, opt.host, &server.sin_addr) != 1) fail("not an IPv4 address: %s", opt.host);
    conns = calloc((size_t)opt.conns, sizeof *conns);
    if (!conns) fail("out of memory");
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) fail("epoll_create1: %s", strerror(errno));

    if (opt.bulk) run_bulk();
    else if (opt.soak) run_soak();
    else run_pingpong();
    return 0;
}
