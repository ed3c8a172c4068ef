#!/usr/bin/env python3
"""Writes the labelled IPv4 set (tests/labelled/access.log, app.jsonl,
logs.labels.tsv) deterministically (a fixed seed).

  access.log   nginx "combined" lines (common log format plus referer and
               user agent) with real browser, app and bot user agents
               (Chrome/119.0.0.0, Version/17.1.2.3, MicroMessenger, ...),
               some with an X-Forwarded-For or upstream address at the end
  app.jsonl    JSON application logs: client and upstream addresses, user
               agents, app_version / build / sdk fields with dotted versions
               and certificate OIDs (1.3.6.1.4.1.311.60.2.1.3)

Every true client, proxy or upstream address is labelled (kind ip); version
numbers, product tokens and OIDs are not.

Usage: gen_logs.py OUT_DIR
"""
import json
import os
import random
import sys

out = sys.argv[1]
rng = random.Random(20260414)

UAS = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.0.0',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2.3 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/119.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 OPR/102.0.0.0',
    'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230701 MicroMessenger/8.0.40.2420(0x28002837) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN',
    'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.25 Safari/537.36 Core/1.70.3883.400 QQBrowser/10.8.4560.400',
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36 SE 2.X MetaSr 1.0',
    'Mozilla/5.0 (Linux; U; Android 12; zh-cn; M2102K1C Build/SKQ1.211006.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.127 Mobile Safari/537.36 XiaoMi/MiuiBrowser/17.8.70809 swan-mibrowser',
    'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/103.0.5060.114 Safari/537.36 YaBrowser/23.11.0.0',
    'Dalvik/2.1.0 (Linux; U; Android 11; Redmi Note 8 Pro Build/RP1A.200720.011) baiduboxapp/13.40.0.10',
    'okhttp/4.9.3',
    'curl/7.88.1',
    'Apache-HttpClient/4.5.13 (Java/17.0.8.1)',
    'python-requests/2.31.0',
    'AlipayClient/10.5.30.8000 Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Ariver/1.0.0.0',
]
PATHS = ['/', '/index.html', '/api/v1/orders', '/api/v2/user/profile', '/static/js/app.3.2.1.0.js',
         '/login', '/search?q=%E6%89%8B%E6%9C%BA', '/favicon.ico', '/download/client-5.2.0.1.exe',
         '/health', '/api/v1/items/12345']
MONTHS = ['Oct', 'Nov']


def public_ip():
    while True:
        o = [rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)]
        if o[0] not in (10, 127, 172, 192, 100, 169):
            return '.'.join(map(str, o))


def private_ip():
    return rng.choice(['10.%d.%d.%d' % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)),
                       '192.168.%d.%d' % (rng.randint(0, 255), rng.randint(1, 254)),
                       '172.%d.%d.%d' % (rng.randint(16, 31), rng.randint(0, 255), rng.randint(1, 254))])


labels = []


def emit(lines, name, parts):
    """parts: list of (text, is_ip); records the byte offset of each ip."""
    lineno = len(lines) + 1
    base = sum(len(l.encode('utf-8')) + 1 for l in lines)
    text, off = '', base
    for t, ip in parts:
        if ip:
            labels.append((name, lineno, off, len(t.encode('utf-8'))))
        text += t
        off += len(t.encode('utf-8'))
    lines.append(text)


access = []
for i in range(400):
    ip = public_ip() if rng.random() < 0.8 else private_ip()
    ts = '%02d/%s/2026:%02d:%02d:%02d +0800' % (rng.randint(1, 28), rng.choice(MONTHS), rng.randint(0, 23),
                                                rng.randint(0, 59), rng.randint(0, 59))
    req = '"%s %s HTTP/1.1"' % (rng.choice(['GET', 'GET', 'POST']), rng.choice(PATHS))
    parts = [(ip, True), (' - - [%s] %s %d %d "%s" "%s"' % (
        ts, req, rng.choice([200, 200, 304, 404, 502]), rng.randint(0, 90000),
        rng.choice(['-', 'https://www.example.cn/', 'https://m.example.cn/item/5']), rng.choice(UAS)), False)]
    if rng.random() < 0.3:
        parts += [(' "', False), (public_ip(), True), (', ', False), (private_ip(), True), ('"', False)]
    if rng.random() < 0.2:
        parts += [(' upstream=', False), (private_ip(), True), (':8080 rt=0.%03d' % rng.randint(1, 999), False)]
    emit(access, 'access.log', parts)

app = []
for i in range(300):
    ip = public_ip()
    kind = rng.random()
    if kind < 0.15:
        # certificate logs: OIDs, never addresses
        oid = rng.choice(['1.3.6.1.4.1.311.60.2.1.3', '2.5.29.17', '1.2.840.113549.1.1.11', '1.3.6.1.5.5.7.3.1',
                          '2.16.840.1.113730.1.1'])
        rec = '{"ts":"2026-11-0%dT10:00:00+08:00","event":"tls","client_ip":"' % rng.randint(1, 9)
        emit(app, 'app.jsonl', [(rec, False), (ip, True), ('","ext_oid":"%s","cipher":"TLS_AES_128_GCM_SHA256"}' % oid, False)])
        continue
    ver = '%d.%d.%d.%d' % (rng.randint(1, 12), rng.randint(0, 20), rng.randint(0, 9), rng.randint(0, 250))
    head = '{"ts":"2026-11-1%dT08:%02d:00+08:00","level":"info","remote_addr":"' % (rng.randint(0, 9), rng.randint(0, 59))
    parts = [(head, False), (ip, True),
             ('","app_version":"%s","build":"%s","ua":%s' % (ver, ver, json.dumps(rng.choice(UAS))), False)]
    if rng.random() < 0.4:
        parts += [(',"upstream":"', False), (private_ip(), True), (':9000"', False)]
    if rng.random() < 0.3:
        parts += [(',"sdk":"tencent-cos/%s"' % ver, False)]
    parts += [('}', False)]
    emit(app, 'app.jsonl', parts)

with open(os.path.join(out, 'access.log'), 'w', encoding='utf-8') as f:
    f.write('\n'.join(access) + '\n')
with open(os.path.join(out, 'app.jsonl'), 'w', encoding='utf-8') as f:
    f.write('\n'.join(app) + '\n')
with open(os.path.join(out, 'logs.labels.tsv'), 'w', encoding='utf-8') as f:
    f.write('# file\tline\toffset\tlength\tkind (generated by gen_logs.py)\n')
    for name, line, off, length in labels:
        f.write('%s\t%d\t%d\t%d\tip\n' % (name, line, off, length))
