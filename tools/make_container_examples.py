#!/usr/bin/env python3
"""Writes examples/logs.zip and examples/customers.xlsx (synthetic, deterministic; no real people).

logs.zip holds three application logs under 2024/ with phone numbers, ID
numbers, e-mail addresses and an IP address; customers.xlsx is a one-sheet
workbook "客户" (shared strings, an inline string, numbers) written as the
minimal OOXML parts by tools/ooxml_fixture.py. Re-running gives identical bytes.
"""
import os, random, sys, zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, 'tools'))
import ooxml_fixture as ox

random.seed(20261123)
AREAS = ['110105', '310104', '440305', '330106', '510107', '420111']
SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高'
GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'


def id_number(year):
    body = f"{random.choice(AREAS)}{year:04d}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(0, 999):03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]


def mobile():
    return random.choice(['138', '139', '186', '150', '177']) + f"{random.randint(0, 99999999):08d}"


def name():
    return random.choice(SURNAMES) + ''.join(random.choice(GIVEN) for _ in range(random.randint(1, 2)))


def log_lines(kind, n):
    out = []
    for i in range(n):
        ts = f"2024-03-{1 + i % 28:02d} {8 + i % 12:02d}:{i * 7 % 60:02d}:{i * 13 % 60:02d}"
        if kind == 'app':
            if i % 3 == 0:
                out.append(f"{ts} INFO  login ok user_id={1000 + i} mobile={mobile()} ip=10.2.{i % 255}.{i * 3 % 255}")
            else:
                out.append(f"{ts} DEBUG cache hit key=item:{i * 37} took={i % 9}ms")
        elif kind == 'order':
            out.append(f"{ts} INFO  order {900000 + i} created for 收件人 {name()} 电话 {mobile()}")
        else:
            out.append(f"{ts} WARN  kyc check failed for 身份证号 {id_number(1970 + i % 40)} email=user{i}@example.com")
    return '\n'.join(out) + '\n'


def put(z, name, data):
    info = zipfile.ZipInfo(name, (2024, 3, 31, 23, 59, 58))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data.encode('utf-8'))


with zipfile.ZipFile(os.path.join(root, 'examples/logs.zip'), 'w') as z:
    put(z, '2024/app.log', log_lines('app', 30))
    put(z, '2024/orders.log', log_lines('order', 10))
    put(z, '2024/kyc.log', log_lines('kyc', 5))

rows = [['客户编号', '姓名', '手机', '身份证号', '邮箱', '备注']]
for i in range(12):
    rows.append([f"C{2000 + i}", name(), mobile() if i % 4 else {'inline': mobile()}, id_number(1960 + 3 * i),
                 f"cust{i}@example.com", '老客户' if i % 2 else '新客户'])
rows.append(['C2999', name(), int(mobile()), id_number(2015), None, {'inline': '监护人代办'}])
ox.write_xlsx(os.path.join(root, 'examples/customers.xlsx'), {'sheets': [{'name': '客户', 'rows': rows}]})
