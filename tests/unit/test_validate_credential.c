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

/* Issue 13: secret keys in YAML/properties/env files, paired with cloud key ids. */
static void test_secret_assignment(void **state)
{
	(void)state;
	assert_string_equal(secret("aliyun.oss.access-key-secret=Zx8Kq2LmN4pR7sT9vW1yB3dF5hJ6kL"),
	                    "Zx8Kq2LmN4pR7sT9vW1yB3dF5hJ6kL");
	assert_string_equal(R.kind, "secret_assignment"); /* no key id next to it */
	assert_string_equal(secret("spring.cloud.alicloud.secret-key: 9fK2mQ7xR4tW8zB1"), "9fK2mQ7xR4tW8zB1");
	assert_string_equal(secret("jwt.secret=mySuperSecretJwtKey2024"), "mySuperSecretJwtKey2024");
	assert_string_equal(secret("client_secret: \"d8f7a6b5c4e3d2f1a0b9c8d7\""), "d8f7a6b5c4e3d2f1a0b9c8d7");
	assert_string_equal(secret("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz");
	assert_string_equal(secret("token: ghp_16C7e42F292c6912E7710c838347Ae178B4a"), "ghp_16C7e42F292c6912E7710c838347Ae178B4a");
	assert_string_equal(R.kind, "token_assignment");
	assert_string_equal(secret("jwt.secret=secret123"), "secret123");
	assert_true(R.weak_password); /* a dictionary word and digits */
	/* not secrets */
	assert_null(secret("token_type: bearer"));
	assert_null(secret("max_tokens: 4096"));
	assert_null(secret("token: 12345"));
	assert_null(secret("token: abcdefghijklmnopqrst")); /* one class: a word, not a token */
	assert_string_equal(secret("secret: q9Lm2Xk7Rt4Vb8Nw"), "q9Lm2Xk7Rt4Vb8Nw"); /* jwt:\n  secret: */
	assert_null(secret("secret: my-app-tls-secret-2")); /* names a Kubernetes Secret */
	assert_null(secret("secret-key: ${SECRET_KEY}"));
	assert_null(secret("jwt.secret=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)"));
	assert_null(secret("private-key: /etc/keys/app.pem"));
	assert_null(secret("api-key: https://vault.internal/v1/app"));
	/* a key id on a line next to the secret makes them a pair */
	const char *cfg = "aliyun.oss.access-key-id=LTAI5tBcDeFgHiJkLmNoPq12\n"
	                  "aliyun.oss.access-key-secret=Zx8Kq2LmN4pR7sT9vW1yB3dF5hJ6kL\n";
	size_t at = strstr(cfg, "aliyun.oss.access-key-secret") - cfg;
	memset(&R, 0, sizeof(R));
	assert_true(vspan(&V, "credential", cfg, at, strlen(cfg) - 1, &R));
	assert_string_equal(R.kind, "aliyun_access_key_secret");
	assert_true(R.confidence >= 0.95);
	const char *far = "aws_access_key_id = AKIAQ3EGTWXYZ4PLMN7R\n\n\n\n\nsecret_key=wJalrXUtnFEMIK7MDENGbPxRfiCY\n";
	at = strstr(far, "secret_key") - far;
	memset(&R, 0, sizeof(R));
	assert_true(vspan(&V, "credential", far, at, strlen(far) - 1, &R));
	assert_string_equal(R.kind, "secret_assignment"); /* five lines away: not its pair */
}

/* Issue 13: weak beyond the list: service or dictionary word + digits, keyboard walks. */
static void test_weak_patterns(void **state)
{
	(void)state;
	static const char *const weak[] = {"redis123456", "Redis@2024", "mysql2023!", "admin_888888", "nacos123",
	                                   "Welcome2024!", "huawei12345", "qwer1234",  "1qaz2wsx3edc", "asdfghjk",
	                                   "zxcvbnm123", "poiuytrewq", "qazwsxedc", "woaini2024"};
	static const char *const strong[] = {"X7#kp9Lm2q", "redisX9k2mQ7", "Tr0ub4dor3x!", "correct-horse-battery",
	                                     "kL9#vR2@qW8$"};
	char text[96];
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		snprintf(text, sizeof(text), "password=%s", weak[i]);
		assert_string_equal(secret(text), weak[i]);
		if (!R.weak_password)
			fail_msg("%s should be weak", weak[i]);
	}
	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
		snprintf(text, sizeof(text), "password=%s", strong[i]);
		assert_string_equal(secret(text), strong[i]);
		if (R.weak_password)
			fail_msg("%s should not be weak", strong[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_assignment),
	    cmocka_unit_test(test_password_placeholders),
	    cmocka_unit_test(test_connection_string),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_jwt),
	    cmocka_unit_test(test_secret_assignment),
	    cmocka_unit_test(test_weak_patterns),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
