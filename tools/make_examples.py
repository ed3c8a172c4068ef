#!/usr/bin/env python3
"""Writes the synthetic sample data in examples/ (deterministic; no real people).

Identifiers are generated with valid structure and check digits so that the
demo exercises the validators: ID numbers on real GB/T 2260 division codes
with the MOD 11-2 check, UnionPay-style cards with a Luhn check, USCCs with
the GB 32100 check. Names are random surname + given-name characters.
"""
import json, random, sys, os

random.seed(20261122)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
codes = [l.split('\t')[0] for l in open(os.path.join(root, 'rules/data/gb2260.tsv'), encoding='utf-8')
         if l[:1].isdigit() and not l.startswith('#') and not l.split('\t')[0].endswith('00')]

def id_number(year=None):
    area = random.choice(codes)
    y = year or random.randint(1950, 2005)
    m, d = random.randint(1, 12), random.randint(1, 28)
    body = f"{area}{y:04d}{m:02d}{d:02d}{random.randint(0, 999):03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]

def luhn_complete(prefix, n):
    body = prefix + ''.join(random.choice('0123456789') for _ in range(n - len(prefix) - 1))
    total = 0
    for i, c in enumerate(reversed(body)):
        v = int(c)
        if i % 2 == 0:
            v *= 2
            v -= 9 if v > 9 else 0
        total += v
    return body + str((10 - total % 10) % 10)

ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
def uscc():
    area = random.choice(codes)
    org = ''.join(random.choice('0123456789') for _ in range(8))
    ws = [3, 7, 9, 10, 5, 8, 4, 2]
    c = 11 - sum(int(a) * b for a, b in zip(org, ws)) % 11
    org += 'X' if c == 10 else '0' if c == 11 else str(c)
    body = '91' + area + org
    s = sum(ALPHA.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + ALPHA[(31 - s % 31) % 31]

surn = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰梅红鹏飞建国志宏文斌晓婷雪琳浩宇子轩欣怡佳颖俊杰"
def name():
    return random.choice(surn) + ''.join(random.choice(given) for _ in range(random.choice([1, 2])))

mob_pre = ["138", "139", "135", "136", "150", "151", "158", "186", "185", "133", "189", "177", "199", "166", "195"]
def mobile():
    return random.choice(mob_pre) + ''.join(random.choice('0123456789') for _ in range(8))

streets = ["文三路", "建国路", "中山路", "人民路", "解放大道", "南京东路", "科技园南路", "长安街", "延安西路", "天府大道"]
cities = [("浙江省", "杭州市", "西湖区"), ("北京市", "", "朝阳区"), ("广东省", "深圳市", "南山区"), ("上海市", "", "黄浦区"),
          ("四川省", "成都市", "武侯区"), ("湖北省", "武汉市", "洪山区"), ("江苏省", "南京市", "鼓楼区")]
def address():
    p, c, d = random.choice(cities)
    return f"{p}{c}{d}{random.choice(streets)}{random.randint(1, 300)}号{random.randint(1, 30)}幢{random.randint(101, 2505)}室"

with open(os.path.join(root, 'examples/customers.csv'), 'w', encoding='utf-8', newline='') as f:
    f.write("客户编号,姓名,身份证号,手机,邮箱,银行卡号,收货地址,订单号,下单时间\n")
    for i in range(200):
        card = luhn_complete(random.choice(["622202", "621226", "622848", "436742", "622588"]), random.choice([16, 19]))
        f.write(f"C{100000 + i},{name()},{id_number(2016 if i % 37 == 0 else None)},{mobile()},"
                f"user{i}@example.com,{card},\"{address()}\",{random.randint(10**17, 10**18 - 1)},"
                f"2024-{random.randint(1, 12):02d}-{random.randint(1, 28):02d} {random.randint(0, 23):02d}:15:00\n")

with open(os.path.join(root, 'examples/app.jsonl'), 'w', encoding='utf-8') as f:
    for i in range(300):
        ev = {"ts": f"2024-11-08T10:{i % 60:02d}:00+08:00", "level": "INFO", "trace_id": str(random.randint(10**18, 9 * 10**18)),
              "msg": "order created", "latency_ms": random.randint(3, 900)}
        if i % 10 == 0:
            ev["user"] = {"phone": mobile(), "ip": f"203.0.113.{i % 250}"}
        if i % 25 == 0:
            ev["msg"] = f"实名认证通过 身份证{id_number()}"
        if i % 50 == 0:
            ev["gps"] = f"{30 + random.random():.6f},{120 + random.random():.6f}"
        f.write(json.dumps(ev, ensure_ascii=False) + "\n")

with open(os.path.join(root, 'examples/notes.txt'), 'w', encoding='utf-8') as f:
    f.write("客服工单 2024-11-08\n")
    f.write(f"联系人：{name()}，手机 {mobile()[:3]} {mobile()[3:7]} {mobile()[7:]}，固话 0571-87654321。\n")
    f.write(f"客户王先生反馈收货地址写错了，正确地址为{address()}。\n")
    f.write(f"合作方统一社会信用代码 {uscc()}，对接人邮箱 partner.ops@example.com。\n")
    f.write("数据库连接串 jdbc:mysql://app:Passw0rd@10.0.8.12:3306/crm （已要求整改，弱口令）\n")
    f.write(f"车辆 浙A{random.randint(10000, 99999)} 停放位置 30.274085,120.155070\n")
    f.write("订单号 202411080001234567890，流水号 1854023364071550976 —— 这些不是个人信息。\n")
# A GBK export, as Chinese Excel and many Windows tools write CSV files.
rows = open(os.path.join(root, 'examples/customers.csv'), encoding='utf-8').read().splitlines()[:41]
with open(os.path.join(root, 'examples/customers_gbk.csv'), 'wb') as f:
    f.write(("\r\n".join(rows) + "\r\n").encode('gbk'))
print("examples written", file=sys.stderr)
