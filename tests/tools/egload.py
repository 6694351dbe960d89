#!/usr/bin/env python3
"""egload: post batches of events to enrollguard-server and write down
every event the server answered 2xx for, one "serial run_id seq" line
each, so a test can check afterwards that each one is in the database.

usage: egload.py HOST PORT[,PORT...] TOKEN_FILE SECONDS THREADS BATCH ACKED_FILE

With several ports each thread goes round them batch by batch, and moves
on to the next when one fails, the way a load balancer spreads agents
over several server processes and skips one that died.

Each thread is its own Mac (serial LOAD-<n>) and keeps one keep-alive
connection, reconnecting when the server goes away (that is the point:
the durability test kills it). Errors are counted, never acknowledged.
"""
import http.client
import json
import sys
import threading
import time

host, port, tokfile, seconds, nthreads, batch, acked_path = sys.argv[1:8]
ports = [int(p) for p in port.split(",")]
seconds, nthreads, batch = float(seconds), int(nthreads), int(batch)
token = open(tokfile).read().strip()
lock = threading.Lock()
acked = open(acked_path, "w")
stats = {"ok": 0, "failed": 0, "events": 0}
deadline = time.time() + seconds


def body(serial, run, first):
    evs = [{"v": 1, "ts": "2026-11-23T08:00:00.000Z",
            "host": {"serial": serial, "model": "MacBookAir10,1", "os": "14.6.1",
                     "build": "23G93", "arch": "arm64"},
            "run_id": run, "seq": s, "type": "thermal.sample",
            "data": {"cpu_die_c": 70.5, "hot": False}, "text": "load"}
           for s in range(first, first + batch)]
    return json.dumps(evs)


def worker(n):
    serial, run, seq = "LOAD-%04d" % n, "load%d" % int(time.time()), 1
    conns = {}
    turn = n
    while time.time() < deadline:
        port = ports[turn % len(ports)]
        turn += 1
        conn = conns.get(port)
        try:
            if conn is None:
                conn = conns[port] = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("POST", "/api/v1/events", body(serial, run, seq),
                         {"Authorization": "Bearer " + token,
                          "Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if 200 <= r.status < 300:
                with lock:
                    for s in range(seq, seq + batch):
                        acked.write("%s %s %d\n" % (serial, run, s))
                    stats["ok"] += 1
                    stats["events"] += batch
                seq += batch
            else:
                with lock:
                    stats["failed"] += 1
        except (OSError, http.client.HTTPException):
            with lock:
                stats["failed"] += 1
            conns.pop(port, None)
            time.sleep(0.05)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
acked.close()
print("batches answered 2xx: %d (%d events), failed or refused: %d"
      % (stats["ok"], stats["events"], stats["failed"]))
