#!/usr/bin/env python3
"""tests/db/fixtures.py - synthetic fixture databases for the inventory and
scan tests (and de-identification): the same data for PostgreSQL, MariaDB and
SQLite, plus what a correct inventory must say about it.

    fixtures.py OUTDIR [--date 2026-11-22] [--huge-bytes N]

writes OUTDIR/pg.sql (load into a database as the superuser), OUTDIR/my.sql
(creates database `shop`), OUTDIR/app.db (SQLite), and OUTDIR/expected.json:
per column the class, pi, sensitive and sub-level the inventory must report,
and the people counts computed here by an independent union-find over the
generated identifiers.

Everything is synthetic and generated from a fixed seed: valid resident ID
numbers (GB 11643 MOD 11-2 over real division codes), mobile numbers with
allocated prefixes, names from common surnames. Tables cover Chinese column
names and comments, pinyin abbreviations (sfzh, sjh, xm, mz, zjxy, hyzk...),
an empty table, a table the scan user may not read, a view, a huge text cell,
a bytea/BLOB column, NULL-only columns, names with spaces and quotes, a slow
view (statement timeout) and a table the tests drop while a scan runs.
"""
import datetime
import json
import os
import random
import sqlite3
import sys

SCAN_USER = "scan"
SCAN_PASSWORD = "Scan-Pass-8c1f"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "鹏", "辉"]
AREAS = ["110105", "310104", "440305"]
PREFIXES = ["138", "139", "137", "150", "186", "188", "135"]
ETHNIC = ["汉族", "汉族", "汉族", "回族", "满族", "壮族", "蒙古族", "藏族", "维吾尔族", "苗族"]
RELIGION = ["佛教", "道教", "伊斯兰教", "天主教", "基督教", "无"]
MARITAL = ["未婚", "已婚", "离婚", "丧偶", "再婚"]
EDU = ["本科", "硕士研究生", "大专", "高中", "初中", "博士研究生", "中专"]
POLITICAL = ["群众", "中共党员", "共青团员", "民盟盟员", "无党派人士"]
BLOOD = ["A型", "B型", "AB型", "O型"]
JOBS = ["教师", "医生", "工程师", "公务员", "会计", "律师", "司机", "学生", "农民", "销售"]
DIAG = ["高血压", "2型糖尿病", "冠心病", "支气管哮喘", "抑郁症", "E11.9", "I10", "J45.901", "肺炎", "胃溃疡"]
STREETS = ["北京市朝阳区建国路88号", "上海市徐汇区漕溪北路201号", "广东省深圳市南山区科技园南区8栋",
           "浙江省杭州市西湖区文三路100号", "江苏省南京市鼓楼区中山北路30号"]


def id_number(rng, birth):
    body = rng.choice(AREAS) + birth.strftime("%Y%m%d") + "%03d" % rng.randrange(1000)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[s % 11]


class People:
    """The reference count: union-find over (kind, value) identifiers."""

    def __init__(self):
        self.parent = {}
        self.flags = {}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def record(self, ids, sensitive=False, minor=False):
        ids = [i for i in ids if i[1]]
        if not ids:
            return
        for i in ids:
            self.parent.setdefault(i, i)
            self.flags.setdefault(i, set())
        root = self.find(ids[0])
        for i in ids[1:]:
            r = self.find(i)
            if r != root:
                self.parent[r] = root
                self.flags[root] |= self.flags[r]
        if sensitive:
            self.flags[root].add("s")
        if minor:
            self.flags[root] |= {"m", "s"}

    def counts(self):
        roots = {self.find(i) for i in self.parent}
        return {"distinct": len(roots), "sensitive": sum(1 for r in roots if "s" in self.flags[r]),
                "minors": sum(1 for r in roots if "m" in self.flags[r])}


def q(s):
    """An SQL string literal."""
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


def build(date, huge_bytes):
    rng = random.Random(20261122)
    today = datetime.date.fromisoformat(date)
    fourteen = today.replace(year=today.year - 14)
    people = People()
    used_phones = set()

    def phone():
        while True:
            p = rng.choice(PREFIXES) + "%08d" % rng.randrange(10 ** 8)
            if p not in used_phones:
                used_phones.add(p)
                return p

    customers = []
    for i in range(1, 61):
        minor = i % 10 == 0  # 6 children
        birth = (datetime.date(2015, 1, 1) if minor else datetime.date(1960, 1, 1)) + datetime.timedelta(
            days=rng.randrange(365 * (5 if minor else 40)))
        c = {
            "id": i, "xm": rng.choice(SURNAMES) + rng.choice(GIVEN), "sfzh": id_number(rng, birth),
            "sjh": phone(), "email": "user%03d@example.com" % i, "csrq": birth.isoformat(),
            "mz": rng.choice(ETHNIC), "zjxy": rng.choice(RELIGION) if i % 3 else None,
            "hyzk": rng.choice(MARITAL), "xb": rng.choice(["男", "女"]), "xl": rng.choice(EDU),
            "zzmm": rng.choice(POLITICAL), "xx": rng.choice(BLOOD), "zy": rng.choice(JOBS),
            "bz": ("客户来电，回拨电话" + phone() if i % 7 == 0 else "常规客户，无特殊说明"),
            "amount": "%.2f" % (rng.random() * 10000),
            "created": "2025-%02d-%02d 10:%02d:00" % (1 + i % 12, 1 + i % 27, i % 60),
            "minor": birth > fourteen,
        }
        customers.append(c)
        # the remark's call-back number is a phone in the same record: the same person
        extra = [("cn_mobile", c["bz"][-11:])] if i % 7 == 0 else []
        people.record([("cn_resident_id", c["sfzh"]), ("cn_mobile", c["sjh"]), ("email", c["email"])] + extra,
                      sensitive=c["zjxy"] is not None, minor=c["minor"])
    assert sum(c["minor"] for c in customers) == 6

    orders = []
    for i in range(1, 81):
        p = customers[i - 1]["sjh"] if i <= 50 else phone()
        orders.append({"order_no": "DD2026%06d" % i, "sjh": p, "dz": rng.choice(STREETS),
                       "amount": "%.2f" % (rng.random() * 500)})
        people.record([("cn_mobile", p)])

    medical = []
    for i in range(1, 31):
        c = customers[(i * 7) % 60]
        desc = "主诉头痛三天，既往体健。" if i % 5 else "患者自述联系电话 %s，复诊。" % c["sjh"]
        medical.append({"id": 1000 + i, "sfzh": c["sfzh"], "zd": rng.choice(DIAG), "desc": desc})
        people.record([("cn_resident_id", c["sfzh"])] + ([("cn_mobile", c["sjh"])] if i % 5 == 0 else []),
                      sensitive=True, minor=c["minor"])
    # one huge description: a phone at the start is found, what lies past the cell cap is not read
    huge_owner = customers[1]
    huge = "联系电话 %s " % huge_owner["sjh"] + "病程记录。" * (huge_bytes // 15) + " 再联系 " + phone()
    medical.append({"id": 2000, "sfzh": huge_owner["sfzh"], "zd": "高血压", "desc": huge})
    people.record([("cn_resident_id", huge_owner["sfzh"]), ("cn_mobile", huge_owner["sjh"])], sensitive=True,
                  minor=huge_owner["minor"])

    vip = []
    for i in range(10):
        c = customers[i * 3]
        vip.append({"id": i + 1, "name": c["xm"], "phone": c["sjh"]})
        people.record([("cn_mobile", c["sjh"])])

    staff = []
    for i in range(1, 21):
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 30))
        s = {"id": i, "xm": rng.choice(SURNAMES) + rng.choice(GIVEN), "sjh": phone(), "mz": rng.choice(ETHNIC),
             "sfzh": id_number(rng, birth)}
        staff.append(s)
        people.record([("cn_mobile", s["sjh"]), ("cn_resident_id", s["sfzh"])])

    attach = []
    for i in range(1, 6):
        c = customers[i]
        attach.append({"id": i, "photo": b"\x89PNG\r\n\x1a\n" + bytes(64),
                       "note": ("紧急联系人电话 %s" % c["sjh"]).encode()})
        people.record([("cn_mobile", c["sjh"])])

    secret = [{"id": i, "sfzh": customers[i]["sfzh"], "salary": "%d" % (10000 + i)} for i in range(5)]
    dropme = [{"id": i, "sjh": customers[i]["sjh"]} for i in range(3)]
    return {"customers": customers, "orders": orders, "medical": medical, "vip": vip, "staff": staff,
            "attach": attach, "secret": secret, "dropme": dropme, "people": people.counts()}


# ---- SQL ----

COMMENTS = {
    "customers": ("客户表", {"xm": "姓名", "sfzh": "身份证号码", "sjh": "手机号", "email": "电子邮箱", "csrq": "出生日期",
                           "民族": "民族", "zjxy": "宗教信仰", "hyzk": "婚姻状况", "xb": "性别", "学历": "学历",
                           "zzmm": "政治面貌", "血型": "血型", "zy": "职业", "备注 说明": "备注"}),
    "medical_records": ("病历", {"patient_sfzh": "患者身份证号", "诊断": "诊断", "病历描述": "病历描述"}),
}


def common_inserts(d):
    """The rows both servers get the same way."""
    out = []
    for c in d["customers"]:
        out.append("INSERT INTO customers VALUES (%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s);" % (
            c["id"], q(c["xm"]), q(c["sfzh"]), q(c["sjh"]), q(c["email"]), q(c["csrq"]), q(c["mz"]), q(c["zjxy"]),
            q(c["hyzk"]), q(c["xb"]), q(c["xl"]), q(c["zzmm"]), q(c["xx"]), q(c["zy"]), q(c["bz"]), c["amount"],
            q(c["created"])))
    for o in d["orders"]:
        out.append("INSERT INTO orders VALUES (%s,%s,%s,%s);" % (q(o["order_no"]), q(o["sjh"]), q(o["dz"]), o["amount"]))
    for m in d["medical"]:
        out.append("INSERT INTO medical_records VALUES (%d,%s,%s,%s);" % (m["id"], q(m["sfzh"]), q(m["zd"]), q(m["desc"])))
    for s in d["secret"]:
        out.append("INSERT INTO secret_salary VALUES (%d,%s,%s);" % (s["id"], q(s["sfzh"]), s["salary"]))
    for i in range(1, 4):
        out.append("INSERT INTO null_only VALUES (%d, NULL, NULL);" % i)
    for r in d["dropme"]:
        out.append("INSERT INTO z_dropme VALUES (%d,%s);" % (r["id"], q(r["sjh"])))
    return out


def pg_sql(d):
    out = ["SET client_encoding = 'UTF8';", "SET client_min_messages = warning;"]
    out.append("""CREATE TABLE customers (id integer PRIMARY KEY, xm varchar(20), sfzh varchar(18), sjh varchar(11),
 email text, csrq date, "民族" text, zjxy text, hyzk text, xb text, "学历" text, zzmm text, "血型" text, zy text,
 "备注 说明" text, amount numeric(12,2), created_at timestamp);""")
    out.append("""CREATE TABLE orders (order_no text PRIMARY KEY, sjh varchar(11), "收货地址" text, amount numeric(10,2));""")
    out.append("""CREATE TABLE medical_records (id bigint PRIMARY KEY, patient_sfzh varchar(18), "诊断" text, "病历描述" text);""")
    out.append("""CREATE TABLE empty_table (id integer, sfzh varchar(18), sjh varchar(11));""")
    out.append("""CREATE TABLE secret_salary (id integer PRIMARY KEY, sfzh varchar(18), salary numeric);""")
    out.append("""CREATE TABLE attachments (id integer PRIMARY KEY, "身份证照片" bytea, note bytea);""")
    out.append("""CREATE TABLE null_only (id integer PRIMARY KEY, phone text, remark text);""")
    out.append("""CREATE TABLE "客户 ""VIP"" 名单" (id integer PRIMARY KEY, "名字" text, "手机 号" text);""")
    out.append("""CREATE TABLE z_dropme (id integer PRIMARY KEY, sjh text);""")
    out.append("""CREATE SCHEMA "人事";""")
    out.append("""CREATE TABLE "人事"."员工" ("工号" integer PRIMARY KEY, xm text, "手机号" text, mz text, sfzh text);""")
    out.append("""CREATE VIEW v_customer_contact AS SELECT xm, sjh FROM customers;""")
    out.append("""CREATE VIEW a_slow AS SELECT pg_sleep(3)::text AS x;""")
    for t, (tc, cols) in COMMENTS.items():
        out.append("COMMENT ON TABLE %s IS %s;" % (t, q(tc)))
        for c, cc in cols.items():
            out.append('COMMENT ON COLUMN %s."%s" IS %s;' % (t, c, q(cc)))
    out += common_inserts(d)
    for a in d["attach"]:
        out.append("INSERT INTO attachments VALUES (%d,'\\x%s'::bytea,'\\x%s'::bytea);" % (a["id"], a["photo"].hex(),
                                                                                     a["note"].hex()))
    for v in d["vip"]:
        out.append('INSERT INTO "客户 ""VIP"" 名单" VALUES (%d,%s,%s);' % (v["id"], q(v["name"]), q(v["phone"])))
    for s in d["staff"]:
        out.append('INSERT INTO "人事"."员工" VALUES (%d,%s,%s,%s,%s);' % (s["id"], q(s["xm"]), q(s["sjh"]), q(s["mz"]),
                                                                       q(s["sfzh"])))
    out.append("ANALYZE;")
    out.append("DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN PASSWORD %s;" % (SCAN_USER, SCAN_USER, q(SCAN_PASSWORD)))
    out.append('GRANT USAGE ON SCHEMA public, "人事" TO %s;' % SCAN_USER)
    out.append('GRANT SELECT ON ALL TABLES IN SCHEMA public, "人事" TO %s;' % SCAN_USER)
    out.append("REVOKE ALL ON secret_salary FROM %s;" % SCAN_USER)
    return "\n".join(out) + "\n"


def my_sql(d):
    out = ["SET NAMES utf8mb4;", "DROP DATABASE IF EXISTS shop;", "CREATE DATABASE shop CHARACTER SET utf8mb4;",
           "USE shop;"]
    cc = COMMENTS["customers"][1]
    mc = COMMENTS["medical_records"][1]

    def cm(col, table=cc):
        return " COMMENT %s" % q(table[col]) if col in table else ""
    out.append("""CREATE TABLE customers (id int PRIMARY KEY, xm varchar(20)%s, sfzh varchar(18)%s, sjh varchar(11)%s,
 email text%s, csrq date%s, `民族` text%s, zjxy text%s, hyzk text%s, xb text%s, `学历` text%s, zzmm text%s, `血型` text%s,
 zy text%s, `备注 说明` text%s, amount decimal(12,2), created_at datetime) COMMENT '客户表';""" % tuple(
        cm(c) for c in ["xm", "sfzh", "sjh", "email", "csrq", "民族", "zjxy", "hyzk", "xb", "学历", "zzmm", "血型", "zy",
                        "备注 说明"]))
    out.append("""CREATE TABLE orders (order_no varchar(32) PRIMARY KEY, sjh varchar(11), `收货地址` text, amount decimal(10,2));""")
    out.append("""CREATE TABLE medical_records (id bigint PRIMARY KEY, patient_sfzh varchar(18)%s, `诊断` text%s,
 `病历描述` longtext%s) COMMENT '病历';""" % (cm("patient_sfzh", mc), cm("诊断", mc), cm("病历描述", mc)))
    out.append("""CREATE TABLE empty_table (id int, sfzh varchar(18), sjh varchar(11));""")
    out.append("""CREATE TABLE secret_salary (id int PRIMARY KEY, sfzh varchar(18), salary decimal(12,2));""")
    out.append("""CREATE TABLE attachments (id int PRIMARY KEY, `身份证照片` blob, note blob);""")
    out.append("""CREATE TABLE null_only (id int PRIMARY KEY, phone text, remark text);""")
    out.append("""CREATE TABLE `客户 "VIP" 名单` (id int PRIMARY KEY, `名字` text, `手机 号` text);""")
    out.append("""CREATE TABLE z_dropme (id int PRIMARY KEY, sjh text);""")
    out.append("""CREATE VIEW v_customer_contact AS SELECT xm, sjh FROM customers;""")
    out.append("""CREATE VIEW a_slow AS SELECT SLEEP(3) AS x;""")
    out += common_inserts(d)
    for a in d["attach"]:
        out.append("INSERT INTO attachments VALUES (%d,X'%s',X'%s');" % (a["id"], a["photo"].hex(), a["note"].hex()))
    for v in d["vip"]:
        out.append('INSERT INTO `客户 "VIP" 名单` VALUES (%d,%s,%s);' % (v["id"], q(v["name"]), q(v["phone"])))
    out.append("ANALYZE TABLE customers, orders, medical_records;")
    out.append("DROP USER IF EXISTS '%s'@'%%';" % SCAN_USER)
    out.append("CREATE USER '%s'@'%%' IDENTIFIED BY %s;" % (SCAN_USER, q(SCAN_PASSWORD)))
    for t in ["customers", "orders", "medical_records", "empty_table", "attachments", "null_only", "`客户 \"VIP\" 名单`",
              "z_dropme", "v_customer_contact", "a_slow"]:
        out.append("GRANT SELECT ON shop.%s TO '%s'@'%%';" % (t, SCAN_USER))
    # secret_salary: no grant, so MariaDB does not even list it to the scan user; v_secret is a view the
    # user may select from but whose invoker rights do not reach the table: listed, and reading it fails
    out.append("CREATE SQL SECURITY INVOKER VIEW v_secret AS SELECT * FROM secret_salary;")
    out.append("GRANT SELECT ON shop.v_secret TO '%s'@'%%';" % SCAN_USER)
    out.append("FLUSH PRIVILEGES;")
    return "\n".join(out) + "\n"


def sqlite_db(d, path):
    if os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path)
    db.execute("""CREATE TABLE customers (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, sjh TEXT, email TEXT, csrq TEXT,
 "民族" TEXT, zjxy TEXT, hyzk TEXT, xb TEXT, "学历" TEXT, zzmm TEXT, "血型" TEXT, zy TEXT, "备注 说明" TEXT,
 amount REAL, created_at TEXT)""")
    db.execute("""CREATE TABLE orders (order_no TEXT PRIMARY KEY, sjh TEXT, "收货地址" TEXT, amount REAL)""")
    db.execute("""CREATE TABLE attachments (id INTEGER PRIMARY KEY, "身份证照片" BLOB, note BLOB)""")
    db.execute("""CREATE TABLE empty_table (id INTEGER, sfzh TEXT)""")
    db.execute("""CREATE VIEW v_customer_contact AS SELECT xm, sjh FROM customers""")
    for c in d["customers"]:
        db.execute("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            c["id"], c["xm"], c["sfzh"], c["sjh"], c["email"], c["csrq"], c["mz"], c["zjxy"], c["hyzk"], c["xb"],
            c["xl"], c["zzmm"], c["xx"], c["zy"], c["bz"], float(c["amount"]), c["created"]))
    for o in d["orders"]:
        db.execute("INSERT INTO orders VALUES (?,?,?,?)", (o["order_no"], o["sjh"], o["dz"], float(o["amount"])))
    for a in d["attach"]:
        db.execute("INSERT INTO attachments VALUES (?,?,?)", (a["id"], a["photo"], a["note"]))
    db.commit()
    db.close()


# ---- what the inventory must say ----

def expected(d):
    def col(table, column, data_type, pi, sensitive, sublevel):
        return {"table": table, "column": column, "data_type": data_type, "pi": pi, "sensitive": sensitive,
                "sublevel": sublevel}
    # customers holds records of children under 14: every PI column of it is sensitive (PIPL Art. 28)
    cust = [col("customers", "id", "", False, False, "L2"),
            col("customers", "xm", "person_name", True, True, "L4"),
            col("customers", "sfzh", "cn_resident_id", True, True, "L4"),
            col("customers", "sjh", "cn_mobile", True, True, "L4"),
            col("customers", "email", "email", True, True, "L4"),
            col("customers", "csrq", "birth_date", True, True, "L4"),
            col("customers", "民族", "ethnicity", True, True, "L4"),
            col("customers", "zjxy", "religion", True, True, "L4"),
            col("customers", "hyzk", "marital_status", True, True, "L4"),
            col("customers", "xb", "gender", True, True, "L4"),
            col("customers", "学历", "education", True, True, "L4"),
            col("customers", "zzmm", "political_status", True, True, "L4"),
            col("customers", "血型", "blood_type", True, True, "L4"),
            col("customers", "zy", "occupation", True, True, "L4"),
            col("customers", "备注 说明", "free_text", True, True, "L4"),
            col("customers", "amount", "", False, False, "L2")]
    orders = [col("orders", "order_no", "", False, False, "L2"),
              col("orders", "sjh", "cn_mobile", True, False, "L3"),
              col("orders", "收货地址", "address", True, False, "L3"),
              col("orders", "amount", "", False, False, "L2")]
    medical = [col("medical_records", "id", "", False, False, "L2"),
               col("medical_records", "patient_sfzh", "cn_resident_id", True, True, "L4"),
               col("medical_records", "诊断", "diagnosis", True, True, "L4"),
               col("medical_records", "病历描述", "free_text", True, True, "L4")]
    other = [col("empty_table", "sfzh", "cn_resident_id", True, False, "L3"),
             col("empty_table", "sjh", "cn_mobile", True, False, "L3"),
             col("attachments", "身份证照片", "id_card_image", True, True, "L4"),
             col("attachments", "note", "free_text", True, False, "L3"),
             col("null_only", "phone", "cn_mobile", True, False, "L3"),
             col("null_only", "remark", "", False, False, "L2"),
             col("客户 \"VIP\" 名单", "手机 号", "cn_mobile", True, False, "L3"),
             col("客户 \"VIP\" 名单", "名字", "person_name", True, False, "L3")]
    return {"people": d["people"], "columns": cust + orders + medical + other,
            "secret_salary": "secret_salary", "scan_user": SCAN_USER}


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    date = "2026-11-22"
    huge = 3 << 20
    args = sys.argv[2:]
    while args:
        a = args.pop(0)
        if a == "--date":
            date = args.pop(0)
        elif a == "--huge-bytes":
            huge = int(args.pop(0))
    os.makedirs(out, exist_ok=True)
    d = build(date, huge)
    with open(os.path.join(out, "pg.sql"), "w", encoding="utf-8") as f:
        f.write(pg_sql(d))
    with open(os.path.join(out, "my.sql"), "w", encoding="utf-8") as f:
        f.write(my_sql(d))
    sqlite_db(d, os.path.join(out, "app.db"))
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected(d), f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
