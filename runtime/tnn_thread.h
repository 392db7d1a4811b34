/* tnn runtime: the thread pool of tnnc --threads=N (POSIX threads).
 *
 * A generated model.c carries this file only when it was compiled with
 * --threads=N, N > 1, and then defines TNN_THREADS N before the runtime.
 * Each layer whose kernel can be split (TNN_PART_KERNELS) and is large
 * enough runs as tnn_par_run(tnn_<name>_part, ...): its N shares are
 * claimed one at a time by the calling thread and N-1 worker threads,
 * whoever is free first, and the call returns when all are done.  The
 * shares are disjoint and each computes its outputs exactly as one thread
 * does, so the results are the same bytes whatever N is and however the
 * threads are scheduled.
 *
 * The workers are started by the first split layer and stay for the life
 * of the process (or until tnn_par_stop).  Between jobs a worker spins for
 * a while (a layer follows soon in a running network), then sleeps on a
 * condition variable.  Calls from several threads at once take turns per
 * layer (the pool's mutex), so concurrent runs with their own workspaces
 * stay correct.  If a worker cannot be started its shares run on the
 * calling thread. */
#ifndef TNN_THREAD_H
#define TNN_THREAD_H

#include <pthread.h>
#include <sched.h>

#ifndef TNN_THREADS
#define TNN_THREADS 2
#endif
/* Polls of the job counter before a worker sleeps (about 50-100 us). */
#ifndef TNN_THREAD_SPIN
#define TNN_THREAD_SPIN 20000
#endif

typedef int (*tnn_part_fn)(const void *params, const void *const *in, void *const *out,
                           int64_t part, int64_t nparts);

typedef struct {
  pthread_mutex_t run;          /* one job at a time */
  pthread_mutex_t mu;           /* guards the sleepers and the waking */
  pthread_cond_t go;
  /* The job's ticket (atomic): its number << 16 | the next unclaimed share.
   * Whoever claims a share (a compare-and-swap on the ticket of the job it
   * was woken for) runs it, so the caller runs the shares of a worker that
   * is late (descheduled on a busy machine) instead of waiting for it, and
   * a late worker can never claim a share of a later job. */
  unsigned long long ticket;
  unsigned long long gen_start; /* the job number when the workers started */
  int done;                     /* shares finished (atomic) */
  int sleepers, started, stop;
  tnn_part_fn fn;               /* the job */
  const void *params;
  const void *const *in;
  void *const *out;
  int rc[TNN_THREADS];
  pthread_t th[TNN_THREADS];
} tnn_thread_pool;

static tnn_thread_pool tnn_pool_state = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                         PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, 0,
                                         NULL, NULL, NULL, NULL, {0}, {0}};

TNN_INLINE void tnn_thread_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Claims and runs shares of job `job` until none is left. */
TNN_INLINE void tnn_par_claim(tnn_thread_pool *s, unsigned long long job) {
  unsigned long long t = __atomic_load_n(&s->ticket, __ATOMIC_ACQUIRE);
  while (t >> 16 == job && (t & 0xffff) < TNN_THREADS) {
    if (!__atomic_compare_exchange_n(&s->ticket, &t, t + 1, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
      continue;                        /* t reloaded */
    const int64_t i = (int64_t)(t & 0xffff);
    s->rc[i] = s->fn(s->params, s->in, s->out, i, TNN_THREADS);
    __atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
    t = __atomic_load_n(&s->ticket, __ATOMIC_ACQUIRE);
  }
}

/* A worker: waits for the next job (spinning, then asleep), claims shares. */
TNN_INLINE void *tnn_thread_main(void *arg) {
  tnn_thread_pool *s = &tnn_pool_state;
  (void)arg;
  unsigned long long seen = s->gen_start;   /* the first job is the next one */
  for (;;) {
    unsigned long long g = seen;
    for (int k = 0; k < TNN_THREAD_SPIN && g == seen; k++) {
      tnn_thread_relax();
      g = __atomic_load_n(&s->ticket, __ATOMIC_ACQUIRE) >> 16;
    }
    if (g == seen) {
      pthread_mutex_lock(&s->mu);
      s->sleepers++;
      while ((g = __atomic_load_n(&s->ticket, __ATOMIC_ACQUIRE) >> 16) == seen && !s->stop)
        pthread_cond_wait(&s->go, &s->mu);
      s->sleepers--;
      const int stop = s->stop;
      pthread_mutex_unlock(&s->mu);
      if (stop) return NULL;
    }
    seen = g;
    tnn_par_claim(s, g);
  }
}

/* Runs fn's TNN_THREADS shares; returns the first nonzero code in share
 * order, else 0. */
TNN_INLINE int tnn_par_run(tnn_part_fn fn, const void *params, const void *const *in,
                           void *const *out) {
  tnn_thread_pool *s = &tnn_pool_state;
  pthread_mutex_lock(&s->run);
  const unsigned long long job = (__atomic_load_n(&s->ticket, __ATOMIC_RELAXED) >> 16) + 1;
  if (!s->started) {
    s->stop = 0;
    s->gen_start = job - 1;
    /* a worker that cannot be started leaves its shares to the others */
    while (s->started < TNN_THREADS - 1 &&
           pthread_create(&s->th[s->started + 1], NULL, tnn_thread_main, NULL) == 0)
      s->started++;
    if (s->started == 0) s->started = -1;         /* none: all shares here */
  }
  s->fn = fn;
  s->params = params;
  s->in = in;
  s->out = out;
  __atomic_store_n(&s->done, 0, __ATOMIC_RELAXED);
  pthread_mutex_lock(&s->mu);
  __atomic_store_n(&s->ticket, job << 16, __ATOMIC_RELEASE);
  if (s->sleepers) pthread_cond_broadcast(&s->go);
  pthread_mutex_unlock(&s->mu);
  tnn_par_claim(s, job);
  for (long k = 0; __atomic_load_n(&s->done, __ATOMIC_ACQUIRE) != TNN_THREADS; k++)
    if (k < TNN_THREAD_SPIN)
      tnn_thread_relax();
    else
      sched_yield();
  int rc = 0;
  for (int i = 0; i < TNN_THREADS && !rc; i++) rc = s->rc[i];
  pthread_mutex_unlock(&s->run);
  return rc;
}

/* Stops and joins the workers (a later split layer starts them again). */
TNN_INLINE void tnn_par_stop(void) {
  tnn_thread_pool *s = &tnn_pool_state;
  pthread_mutex_lock(&s->run);
  if (s->started > 0) {
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_broadcast(&s->go);
    pthread_mutex_unlock(&s->mu);
    for (int i = 1; i <= s->started; i++) pthread_join(s->th[i], NULL);
  }
  s->started = 0;
  pthread_mutex_unlock(&s->run);
}

#endif
