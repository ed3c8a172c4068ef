/*
 * tests/unit/test_validate_credential.c - passwords (narrowing, placeholders,
 * weak_password), connection strings, private keys, cloud keys and JWTs.
 */
#include <stdio.h>

#include "validate_fixture.h"

static shuan_vresult R;

static const char *secret(const char *text)
{
	memset(&R, 0, sizeof(R));
	if (!vok("credential", text, &R))
		return NULL;
	return narrowed(text, &R);
}

static void test_password_assignment(void **state)
{
	(void)state;
	assert_string_equal(secret("password=Tr0ub4dor&3x"), "Tr0ub4dor");
	assert_string_equal(secret("db.password = S3cure!Passw0rd#2024"), "S3cure!Passw0rd#2024");
	assert_false(R.weak_password);
	assert_string_equal(R.kind, "password_assignment");
	assert_string_equal(secret("passwd: hunter2"), "hunter2");
	assert_true(R.weak_password); /* shorter than 8 */
	assert_string_equal(secret("pwd=woaini1314"), "woaini1314");
	assert_true(R.weak_password); /* in the list */
	assert_string_equal(secret("\"password\": \"Admin@123\""), "Admin@123");
	assert_true(R.weak_password); /* listed lowercased */
	assert_string_equal(secret("密码：qq123456"), "qq123456");
	assert_true(R.weak_password);
	assert_string_equal(secret("PASSWORD='a-long-Unusual-passphrase'"), "a-long-Unusual-passphrase");
	assert_false(R.weak_password);
}

static void test_password_placeholders(void **state)
{
	(void)state;
	assert_null(secret("password=******"));
	assert_null(secret("password=${DB_PASSWORD}"));
	assert_null(secret("password: <password>"));
	assert_null(secret("password=xxx"));
	assert_null(secret("password=null"));
	assert_null(secret("password=\"\""));
	assert_null(secret("password="));
	assert_null(secret("password: {{ vault_pw }}"));
	assert_null(secret("password = os.environ['PW']"));
	assert_null(secret("password_hash"));
}

static void test_connection_string(void **state)
{
	(void)state;
	assert_string_equal(secret("jdbc:mysql://root:Zx9!kLm2@10.0.0.5:3306/app"), "Zx9!kLm2");
	assert_string_equal(R.kind, "connection_string");
	assert_string_equal(secret("postgresql://app:123456@db.internal/app"), "123456");
	assert_true(R.weak_password);
	assert_string_equal(secret("redis://:s3cr3tRedisPw@cache:6379/0"), "s3cr3tRedisPw");
	assert_string_equal(secret("mongodb://u:p%40ss@h/x"), "p%40ss");
	assert_null(secret("mysql://root@localhost/app"));       /* no password */
	assert_null(secret("mysql://root:${PW}@localhost/app")); /* placeholder */
	assert_null(secret("https://example.com/a:b@c"));        /* '@' after the path */
}

static void test_keys(void **state)
{
	(void)state;
	assert_non_null(secret("-----BEGIN RSA PRIVATE KEY-----"));
	assert_string_equal(R.kind, "private_key");
	assert_non_null(secret("-----BEGIN OPENSSH PRIVATE KEY-----"));
	assert_null(secret("-----BEGIN PUBLIC KEY-----"));
	assert_non_null(secret("LTAI5tBcDeFgHiJkLmNoPq12"));
	assert_string_equal(R.kind, "aliyun_access_key");
	assert_null(secret("LTAIxxxxxxxxxxxxxxxx"));
	assert_non_null(secret("AKIAZ7QW3ERTYUIOP4SD"));
	assert_string_equal(R.kind, "aws_access_key");
	assert_null(secret("AKIAIOSFODNN7EXAMPLE"));
	assert_null(secret("AKIAz7qw3ertyuiop4sd"));
	assert_non_null(secret("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPle"));
	assert_null(secret("AKIDshort"));
}

static void test_jwt(void **state)
{
	(void)state;
	/* header {"alg":"HS256","typ":"JWT"} */
	const char *jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
	                  "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
	                  "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
	assert_non_null(secret(jwt));
	assert_string_equal(R.kind, "jwt");
	/* header {"foo":"bar"}: no alg */
	assert_null(secret("eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.c2ln"));
	assert_null(secret("eyJhbGciOiJIUzI1NiJ9.only-two"));
	assert_null(secret("eyJhbGciOiJIUzI1NiJ9.a$b.c"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_assignment),
	    cmocka_unit_test(test_password_placeholders),
	    cmocka_unit_test(test_connection_string),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_jwt),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
