// proxyload.c: the load side of run-proxy.sh in C, so that the generator costs as little CPU per
// byte as Linux allows and the proxy, not the generator, sets the rate. Compiled by run-proxy.sh
// (gcc -O2); one binary, four roles:
//
//   sink PORT                   accepts connections one after another; moves each one's bytes to
//                               /dev/null with splice(2) (socket -> pipe -> /dev/null, no copy to
//                               user space), answers one byte at EOF and closes
//   echo PORT                   one epoll thread echoing every connection's bytes back
//   bulk PORT MIB               one connection: sends MIB MiB, half-closes, waits for the sink's
//                               byte; prints "bulk BYTES SECONDS GB/s CPU_SECONDS"
//   pingpong PORT CONNS SECONDS SIZE
//                               CONNS connections on one epoll thread, each sending SIZE bytes
//                               and waiting for the whole echo before the next, for SECONDS;
//                               prints "pingpong ROUND_TRIPS SECONDS rt/s p50_us p99_us CPU_SECONDS"
//
// bulk sends with send(2) from one pre-touched 1 MiB buffer (one copy into the kernel, no page
// fault per byte). SOURCE=vmsplice makes it vmsplice(2)+splice(2) the same buffer instead, the
// pages going to the socket by reference; the buffer is then reused while the kernel may still
// hold references to its pages, which is fine for a sink that throws the bytes away. Measured on
// loopback, send(2) cost the source less CPU per GB (0.07 against 0.085 s/GB), so it is the default. CPU_SECONDS is this process's own user+system
// time (getrusage), so the report can show what the generator cost.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MIB (1 << 20)

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int listen_on(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (s < 0) die("socket");
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = loopback(port);
    if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(s, 1024) < 0) die("listen");
    return s;
}

static int connect_to(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (s < 0) die("socket");
    struct sockaddr_in a = loopback(port);
    if (connect(s, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return s;
}

// A pipe as large as the kernel lets us (1 MiB is the default /proc/sys/fs/pipe-max-size).
static void big_pipe(int p[2]) {
    if (pipe(p) < 0) die("pipe");
    fcntl(p[1], F_SETPIPE_SZ, MIB);
}

static void sink(int port) {
    int ls = listen_on(port), p[2];
    int null = open("/dev/null", O_WRONLY);
    if (null < 0) die("/dev/null");
    big_pipe(p);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int s = accept(ls, NULL, NULL);
        if (s < 0) continue;
        for (;;) {
            ssize_t n = splice(s, NULL, p[1], NULL, MIB, SPLICE_F_MOVE);
            if (n <= 0) break;
            while (n > 0) {
                ssize_t m = splice(p[0], NULL, null, NULL, n, SPLICE_F_MOVE);
                if (m <= 0) die("splice to /dev/null");
                n -= m;
            }
        }
        char one = 1;
        (void) !write(s, &one, 1);
        close(s);
    }
}

// Writes all of b to the non-blocking socket s, waiting for room if the kernel takes less.
static void write_all(int s, const char *b, size_t n) {
    while (n > 0) {
        ssize_t w = write(s, b, n);
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pf = {.fd = s, .events = POLLOUT};
            poll(&pf, 1, -1);
            continue;
        }
        if (w <= 0) return;
        b += w;
        n -= w;
    }
}

static void echo(int port) {
    int ls = listen_on(port), ep = epoll_create1(0), one = 1;
    static char buf[64 * 1024];
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == ls) {
                int s = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
                if (s < 0) continue;
                setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                struct epoll_event e = {.events = EPOLLIN, .data.fd = s};
                epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r > 0) {
                write_all(fd, buf, r);
            } else if (r == 0 || errno != EAGAIN) {
                close(fd);
            }
        }
    }
}

static void bulk(int port, long mib) {
    char *buf = aligned_alloc(4096, MIB);
    memset(buf, 7, MIB); // touched before the clock starts
    int use_send = !(getenv("SOURCE") && strcmp(getenv("SOURCE"), "vmsplice") == 0);
    int p[2];
    big_pipe(p);
    int s = connect_to(port);
    double c0 = cpu_seconds(), t0 = now();
    for (long i = 0; i < mib; i++) {
        if (use_send) {
            size_t off = 0;
            while (off < MIB) {
                ssize_t w = send(s, buf + off, MIB - off, 0);
                if (w <= 0) die("send");
                off += w;
            }
            continue;
        }
        size_t off = 0;
        while (off < MIB) {
            struct iovec v = {.iov_base = buf + off, .iov_len = MIB - off};
            ssize_t in = vmsplice(p[1], &v, 1, 0);
            if (in <= 0) die("vmsplice");
            off += in;
            while (in > 0) {
                ssize_t out = splice(p[0], NULL, s, NULL, in, SPLICE_F_MOVE | SPLICE_F_MORE);
                if (out <= 0) die("splice to the socket");
                in -= out;
            }
        }
    }
    shutdown(s, SHUT_WR);
    char one;
    if (read(s, &one, 1) != 1 || one != 1) {
        fprintf(stderr, "bulk: the sink did not confirm\n");
        exit(1);
    }
    double sec = now() - t0, bytes = (double) mib * MIB;
    printf("bulk %.0f %.4f %.3f %.3f\n", bytes, sec, bytes / sec / 1e9, cpu_seconds() - c0);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

struct conn {
    int fd, got;
    double sent;
};

static void pingpong(int port, int conns, double seconds, int size) {
    int ep = epoll_create1(0);
    struct conn *c = calloc(conns, sizeof *c);
    char *msg = calloc(1, size), *back = malloc(size);
    size_t cap = 1 << 20, k = 0;
    double *lat = malloc(cap * sizeof *lat);
    for (int i = 0; i < conns; i++) {
        c[i].fd = connect_to(port);
        fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
    }
    double c0 = cpu_seconds(), t0 = now(), end = t0 + seconds;
    for (int i = 0; i < conns; i++) {
        c[i].sent = now();
        write_all(c[i].fd, msg, size);
    }
    int open = conns;
    struct epoll_event evs[256];
    while (open > 0) {
        int n = epoll_wait(ep, evs, 256, 1000);
        if (n == 0) {
            fprintf(stderr, "pingpong: no echo for 1 s, %d connections waiting\n", open);
            exit(1);
        }
        for (int j = 0; j < n; j++) {
            struct conn *x = &c[evs[j].data.u32];
            ssize_t r = read(x->fd, back, size - x->got);
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0) die("pingpong read");
            x->got += r;
            if (x->got < size) continue;
            double t = now();
            if (k == cap) lat = realloc(lat, (cap *= 2) * sizeof *lat);
            lat[k++] = t - x->sent;
            x->got = 0;
            if (t < end) {
                x->sent = t;
                write_all(x->fd, msg, size);
            } else {
                open--;
            }
        }
    }
    double sec = now() - t0, cpu = cpu_seconds() - c0;
    qsort(lat, k, sizeof *lat, by_value);
    printf("pingpong %zu %.3f %.0f %.1f %.1f %.3f\n", k, sec, k / sec, lat[k / 2] * 1e6, lat[(size_t) (k * 0.99)] * 1e6, cpu);
    for (int i = 0; i < conns; i++) close(c[i].fd);
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); // a peer gone before the sink's answer or an echo is not fatal
    if (argc >= 3 && strcmp(argv[1], "sink") == 0) sink(atoi(argv[2]));
    else if (argc >= 3 && strcmp(argv[1], "echo") == 0) echo(atoi(argv[2]));
    else if (argc >= 4 && strcmp(argv[1], "bulk") == 0) bulk(atoi(argv[2]), atol(argv[3]));
    else if (argc >= 6 && strcmp(argv[1], "pingpong") == 0)
        pingpong(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
    else {
        fprintf(stderr, "usage: proxyload sink PORT | echo PORT | bulk PORT MIB | pingpong PORT CONNS SECONDS SIZE\n");
        return 2;
    }
    return 0;
}
