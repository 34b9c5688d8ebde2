/* The floor for the other probe kinds (issue 16), in the manner of
 * ../shared/bench-peers/floor/client.c: the cheapest blocking C client doing the same work as
 * one probe, sequentially, with its CPU per operation from getrusage (self + reaped children).
 *
 *   floor_kinds http  N PORT            connect + GET + read + close (floor/client.c, any port)
 *   floor_kinds tcp   N PORT            connect + close
 *   floor_kinds https N PORT CA_FILE    connect + TLS handshake (verify the chain and the name
 *                                       "localhost", one SSL_CTX for all) + GET + read + close
 *   floor_kinds exec  N PROGRAM [ARG..] posix_spawn + read its stdout + waitpid
 *
 * Build: gcc -O2 -o floor_kinds bench/floor_kinds.c -lssl -lcrypto
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static double cpu(void) {
  struct rusage s, c;
  getrusage(RUSAGE_SELF, &s);
  getrusage(RUSAGE_CHILDREN, &c);
  return s.ru_utime.tv_sec + s.ru_utime.tv_usec / 1e6 + s.ru_stime.tv_sec + s.ru_stime.tv_usec / 1e6 +
         c.ru_utime.tv_sec + c.ru_utime.tv_usec / 1e6 + c.ru_stime.tv_sec + c.ru_stime.tv_usec / 1e6;
}

static int connect_to(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (void*)&a, sizeof a) != 0) {
    perror("connect");
    exit(1);
  }
  return fd;
}

static int one_tcp(int port) {
  close(connect_to(port));
  return 1;
}

static int one_http(int port) {
  int fd = connect_to(port);
  const char* req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  char buf[4096];
  if (write(fd, req, strlen(req)) < 0) return 0;
  ssize_t k = read(fd, buf, sizeof buf);
  int ok = k > 12 && !memcmp(buf + 9, "200", 3);
  while (read(fd, buf, sizeof buf) > 0) {
  }
  close(fd);
  return ok;
}

static int one_https(SSL_CTX* ctx, int port) {
  int fd = connect_to(port);
  SSL* ssl = SSL_new(ctx);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set1_host(ssl, "localhost");
  SSL_set_fd(ssl, fd);
  int ok = 0;
  if (SSL_connect(ssl) == 1) {
    const char* req = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    SSL_write(ssl, req, (int)strlen(req));
    char buf[4096];
    int k = SSL_read(ssl, buf, sizeof buf);
    ok = k > 12 && !memcmp(buf + 9, "200", 3);
    while (SSL_read(ssl, buf, sizeof buf) > 0) {
    }
  }
  SSL_free(ssl);
  close(fd);
  return ok;
}

static int one_exec(char** argv) {
  int p[2];
  if (pipe(p) != 0) return 0;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  if (rc != 0) {
    close(p[0]);
    return 0;
  }
  char buf[4096];
  while (read(p[0], buf, sizeof buf) > 0) {
  }
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: floor_kinds tcp|https|exec N PORT|PROGRAM [CA_FILE|ARG...]\n");
    return 2;
  }
  const char* kind = argv[1];
  int n = atoi(argv[2]);
  SSL_CTX* ctx = NULL;
  if (!strcmp(kind, "https")) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[4], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  }
  double c0 = cpu();
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int ok = 0;
  for (int i = 0; i < n; i++) {
    if (!strcmp(kind, "tcp")) ok += one_tcp(atoi(argv[3]));
    else if (!strcmp(kind, "http")) ok += one_http(atoi(argv[3]));
    else if (!strcmp(kind, "https")) ok += one_https(ctx, atoi(argv[3]));
    else ok += one_exec(argv + 3);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double c1 = cpu();
  printf("%s n=%d ok=%d client_cpu_us_per_op=%.1f wall_us_per_op=%.1f\n", kind, n, ok, (c1 - c0) * 1e6 / n,
         ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
  return ok == n ? 0 : 1;
}
