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
