/*
 * tests/unit/test_validate_net.c - e-mail, IPv4, IPv6, MAC and IMEI.
 */
#include <stdio.h>

#include "validate_fixture.h"

static void test_email(void **state)
{
	(void)state;
	assert_true(vyes("email", "zhang.san@example.com"));
	assert_true(vyes("email", "a+tag@mail.sub.example.cn"));
	assert_true(vyes("email", "x@xn--fiqs8s.xn--fiqs8s"));
	assert_false(vyes("email", "logo@2x.png"));
	assert_false(vyes("email", "a@b"));
	assert_false(vyes("email", ".a@example.com"));
	assert_false(vyes("email", "a..b@example.com"));
	assert_false(vyes("email", "a@-example.com"));
	assert_false(vyes("email", "a@example.c0m"));
	assert_false(vyes("email", "a@@example.com"));
}

/* Runs ipv4 on the middle of a longer text to test the context checks. */
static bool ipv4_in(const char *text, const char *ip)
{
	shuan_vresult r = {0};
	const char *p = strstr(text, ip);
	size_t st = (size_t)(p - text);
	return vspan(&V, "ipv4", text, st, st + strlen(ip), &r);
}

static void test_ipv4(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("ipv4", "202.96.128.86", &r));
	assert_string_equal(r.kind, "ipv4");
	assert_true(vok("ipv4", "192.168.1.10", &r));
	assert_string_equal(r.kind, "ipv4_private");
	assert_false(vyes("ipv4", "256.1.1.1"));
	assert_false(vyes("ipv4", "01.2.3.4"));
	assert_false(vyes("ipv4", "1.2.3"));
	assert_false(vyes("ipv4", "0.0.0.0"));
	assert_false(vyes("ipv4", "255.255.255.255"));
	assert_true(ipv4_in("from 8.8.4.4 ok", "8.8.4.4"));
	assert_false(ipv4_in("version v1.2.3.4 released", "1.2.3.4"));
	assert_false(ipv4_in("oid 1.3.6.1.4.1", "1.3.6.1"));
	assert_false(ipv4_in("oid 1.3.6.1.4.1", "6.1.4.1"));
	/* issue 13: product/version tokens, version keys, file names */
	assert_false(ipv4_in("(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "119.0.0.0"));
	assert_false(ipv4_in("Mobile Version/17.1.2.3 Safari", "17.1.2.3"));
	assert_false(ipv4_in("{\"app_version\":\"5.2.0.1\"}", "5.2.0.1"));
	assert_false(ipv4_in("{\"appVersion\":\"5.2.0.1\"}", "5.2.0.1"));
	assert_false(ipv4_in("\"build\": \"1.0.0.123\"", "1.0.0.123"));
	assert_false(ipv4_in("软件版本 2.1.0.3", "2.1.0.3"));
	assert_false(ipv4_in("GET /download/client-5.2.0.1.exe HTTP/1.1", "5.2.0.1"));
	assert_false(ipv4_in("ext 1.3.6.1.4.1.311.60.2.1.3", "1.3.6.1"));
	/* ... while addresses next to them still are */
	assert_true(ipv4_in("203.0.113.7 - - [01/Nov/2026] \"GET / HTTP/1.1\"", "203.0.113.7"));
	assert_true(ipv4_in("server: 203.0.113.7", "203.0.113.7")); /* "ver" inside a word is no cue */
	assert_true(ipv4_in("driver 10.1.2.3", "10.1.2.3"));
	assert_true(ipv4_in("url=http://198.51.100.2/x", "198.51.100.2"));
	assert_true(ipv4_in("X-Forwarded-For: 198.51.100.2, 10.0.0.1", "198.51.100.2"));
}

static void test_ipv6(void **state)
{
	(void)state;
	assert_true(vyes("ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
	assert_true(vyes("ipv6", "2001:db8::8a2e:370:7334"));
	assert_true(vyes("ipv6", "fe80::1ff:fe23:4567:890a"));
	assert_false(vyes("ipv6", "::"));
	assert_false(vyes("ipv6", "::1"));
	assert_false(vyes("ipv6", "a::b"));
	assert_false(vyes("ipv6", "12:30:45"));
	assert_false(vyes("ipv6", "2001:db8::g"));
	assert_false(vyes("ipv6", "1:2:3:4:5:6:7:8:9"));
}

static void test_mac(void **state)
{
	(void)state;
	assert_true(vyes("mac_address", "00:1A:2B:3C:4D:5E"));
	assert_true(vyes("mac_address", "00-1a-2b-3c-4d-5e"));
	assert_false(vyes("mac_address", "00:1A-2B:3C:4D:5E"));
	assert_false(vyes("mac_address", "00:00:00:00:00:00"));
	assert_false(vyes("mac_address", "ff:ff:ff:ff:ff:ff"));
	assert_false(vyes("mac_address", "FF-FF-FF-FF-FF-FF"));
	assert_false(vyes("mac_address", "00:1G:2B:3C:4D:5E"));
}

static void test_imei(void **state)
{
	(void)state;
	assert_true(vyes("imei", "490154203237518"));
	assert_true(vyes("imei", "356938035643809"));
	assert_false(vyes("imei", "490154203237519")); /* Luhn */
	assert_false(vyes("imei", "000000000000000")); /* TAC 00 */
	assert_false(vyes("imei", "4901542032375180"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_email), cmocka_unit_test(test_ipv4), cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_mac),   cmocka_unit_test(test_imei),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
