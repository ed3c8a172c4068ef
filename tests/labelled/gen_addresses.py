#!/usr/bin/env python3
"""Writes the labelled address set (tests/labelled/addresses.*) from the
division tables in rules/data, deterministically (a fixed seed; the same
tables give the same files, and test_labelled.sh checks the committed files
are what this script writes).

  addresses.csv         a customer export: 姓名,联系地址,备注; the address
                        column holds rural, township, estate and street
                        addresses and a few non-addresses (不详, 同上, a bare
                        province and city)
  addresses_prose.txt   Chinese sentences: addresses after a cue (住址：,
                        收货地址, 家庭住址为 ...) and sentences that name real
                        divisions without being an address (statistics,
                        meetings, metro lines, 的村民, document numbers)
  addresses.labels.tsv  file<TAB>line<TAB>byte offset<TAB>byte length<TAB>kind
                        of every true address (kind: column or cue)

Usage: gen_addresses.py RULES_DIR OUT_DIR
"""
import os
import random
import sys

rules, out = sys.argv[1], sys.argv[2]
rng = random.Random(20260413)


def table(name):
    rows = []
    with open(os.path.join(rules, 'data', name), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            rows.append(line.rstrip('\n').split('\t'))
    return rows


names = {code: name for code, name in table('gb2260.tsv')}
towns = {}
for name, counties in table('townships.tsv'):
    for c in counties.split(','):
        towns.setdefault(c, []).append(name)

PLACEHOLDER = ('市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划')


def usable(n):
    return n and n not in PLACEHOLDER and '省' not in n[:-1] and len(n) >= 2


counties = []
for code in sorted(towns):
    prov, city, county = names.get(code[:2] + '0000'), names.get(code[:4] + '00'), names.get(code)
    if not usable(prov) or not usable(county) or county.startswith(prov[:2]):
        continue
    if city and (not usable(city) or city == prov):
        city = None
    ts = sorted(t for t in towns[code] if len(t) >= 2)
    if ts:
        counties.append((prov, city, county, ts))

VILLAGE_FIRST = '东西南北上下前后大小新老王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤'
VILLAGE_SECOND = '家庄营屯坪湾岭坝桥沟河山塘园堡寨店集岗洼冲坑垸埠头林源田溪峪井泉'
ESTATE = ['阳光', '金地', '万科', '碧桂', '锦绣', '和平', '幸福', '翠苑', '龙湖', '绿城', '华府', '世纪', '紫荆', '丽景', '春晓']
ESTATE_END = ['小区', '花园', '家园', '新村', '公寓', '苑']
ROADS = ['人民', '解放', '建设', '中山', '文化', '胜利', '和平', '新华', '光明', '育才', '学府', '滨江']
ROAD_END = ['路', '大道', '街']
CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二']


def village():
    return rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + '村'


def levels(c, upto):
    """Province, prefecture and county names, dropping the top `drop` levels."""
    prov, city, county, _ = c
    parts = [prov] + ([city] if city else []) + [county]
    return ''.join(parts[len(parts) - upto:]) if upto < len(parts) else ''.join(parts)


def rural(c):
    town = rng.choice(c[3])
    head = levels(c, rng.choice([2, 3, 3, 4]))
    v = village()
    end = rng.choice([
        lambda: '%d组' % rng.randint(1, 15),
        lambda: '%d号' % rng.randint(1, 400),
        lambda: '%s组' % rng.choice(CN),
        lambda: '%d组%d号' % (rng.randint(1, 12), rng.randint(1, 99)),
        lambda: '',
    ])()
    return head + town + v + end


def community(c):
    town = rng.choice([t for t in c[3] if t.endswith('街道')] or c[3])
    head = levels(c, rng.choice([2, 3]))
    comm = rng.choice(ESTATE) + '社区'
    end = rng.choice([
        lambda: '%d栋%d单元%d室' % (rng.randint(1, 30), rng.randint(1, 6), rng.randint(101, 2802)),
        lambda: '%d号' % rng.randint(1, 200),
        lambda: '',
    ])()
    return head + town + comm + end


def estate(c):
    head = levels(c, rng.choice([2, 3]))
    return head + rng.choice(ESTATE) + rng.choice(ESTATE_END) + '%d栋%d单元%d室' % (
        rng.randint(1, 30), rng.randint(1, 6), rng.randint(101, 2802))


def street(c):
    head = levels(c, rng.choice([2, 3]))
    return head + rng.choice(ROADS) + rng.choice(ROAD_END) + '%d号' % rng.randint(1, 999)


def township_only(c):
    """Township + village + number: one level, only in an address column."""
    return rng.choice(c[3]) + village() + '%d号' % rng.randint(1, 300)


FORMS = [rural, rural, rural, community, estate, street]
SURN = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗'
GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英'


def person():
    return rng.choice(SURN) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else '')


labels = []

# ---- the address column ----
rows = ['姓名,联系地址,备注']
for i in range(300):
    c = rng.choice(counties)
    r = rng.random()
    if r < 0.06:
        addr, true = rng.choice(['不详', '同上', '无', '见附件', levels(c, 3)[:len(c[0])] + '']), False
    elif r < 0.10:
        addr, true = levels(c, 2), False  # a city and county only: not an address
    elif r < 0.20:
        addr, true = township_only(c), True
    else:
        addr, true = rng.choice(FORMS)(c), True
    rows.append('%s,%s,%s' % (person(), addr, rng.choice(['', '老客户', '已发货', 'VIP'])))
    if true:
        labels.append(('addresses.csv', len(rows), addr, 'column'))

# ---- prose ----
CUES = ['住址：{a}', '收货地址：{a}，电话请见订单。', '家庭住址为{a}。', '现住{a}，联系人{p}。',
        '请将材料寄送至{a}，收件人{p}。', '户籍地址 {a}', '{p}的居住地址是{a}。', '通讯地址：{a}（邮编略）',
        '送货地址:{a}', '经核实，当事人住{a}。']
NEG = ['{county}共有{n}个行政村、{m}个社区。',
       '{city}{county}{town}召开乡村振兴工作会议，{n}个村的代表参加。',
       '据{prov}统计局数据，{city}今年GDP增长{n}%。',
       '{town}位于{county}东部，距县城{n}公里。',
       '{county}{town}的村民正在收割水稻。',
       '我们在{city}{county}调研了{n}个村，走访{m}户。',
       '{city}{county}{n}号文件要求各村做好防汛准备。',
       '{prov}{city}{county}人，{n}岁，大学文化。',
       '来自{city}{county}的{n}名学生参加了比赛。',
       '{county}{town}等{n}个乡镇被评为先进单位。',
       '{city}{county}地铁{n}号线今日开通。',
       '{county}{town}今年新建{n}个村级服务站。',
       '{city}{county}有{n}个村通了公交。',
       '{prov}{city}发布{n}号台风预警。',
       '{county}{town}党委书记{p}到各村检查工作。']
lines = []
for i in range(320):
    c = rng.choice(counties)
    if i % 2 == 0:
        a = rng.choice(FORMS)(c)
        t = rng.choice(CUES)
        line = t.format(a=a, p=person())
        lines.append(line)
        off = line.index(a)
        labels.append(('addresses_prose.txt', len(lines), a, 'cue', off))
    else:
        t = rng.choice(NEG)
        lines.append(t.format(prov=c[0], city=c[1] or c[0], county=c[2], town=rng.choice(c[3]),
                              n=rng.randint(2, 60), m=rng.randint(2, 900), p=person()))

with open(os.path.join(out, 'addresses.csv'), 'w', encoding='utf-8', newline='') as f:
    f.write('\n'.join(rows) + '\n')
with open(os.path.join(out, 'addresses_prose.txt'), 'w', encoding='utf-8', newline='') as f:
    f.write('\n'.join(lines) + '\n')


def offsets(text):
    starts, pos = [0], 0
    for l in text.split('\n'):
        pos += len(l.encode('utf-8')) + 1
        starts.append(pos)
    return starts


with open(os.path.join(out, 'addresses.labels.tsv'), 'w', encoding='utf-8') as f:
    f.write('# file\tline\toffset\tlength\tkind (generated by gen_addresses.py)\n')
    csv_starts = offsets('\n'.join(rows))
    prose_starts = offsets('\n'.join(lines))
    for lab in labels:
        name, line, addr, kind = lab[:4]
        if name == 'addresses.csv':
            row = rows[line - 1]
            col = row.index(',') + 1
            off = csv_starts[line - 1] + len(row[:col].encode('utf-8'))
        else:
            off = prose_starts[line - 1] + len(lines[line - 1][:lab[4]].encode('utf-8'))
        f.write('%s\t%d\t%d\t%d\t%s\n' % (name, line, off, len(addr.encode('utf-8')), kind))
