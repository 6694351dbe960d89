/*
 * plistget FILE [PATH]: print a property list (XML or binary) read with
 * libplist, for the tests: with PATH ("ProgramArguments.0",
 * "KeepAlive.Crashed", "PayloadContent.0.Deadline"), one value; without,
 * every leaf as PATH=VALUE, one per line, in document order. Exit 1 when
 * the file is not a plist or PATH does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

static void print_value(plist_t n)
{
	char *s = NULL;
	uint64_t u = 0;
	uint8_t b = 0;

	switch (plist_get_node_type(n)) {
	case PLIST_STRING:
		plist_get_string_val(n, &s);
		printf("%s", s);
		free(s);
		break;
	case PLIST_UINT:
		plist_get_uint_val(n, &u);
		printf("%llu", (unsigned long long)u);
		break;
	case PLIST_BOOLEAN:
		plist_get_bool_val(n, &b);
		printf("%s", b ? "true" : "false");
		break;
	default:
		printf("<%d>", (int)plist_get_node_type(n));
	}
}

static void walk(plist_t n, const char *prefix)
{
	char path[1024];

	if (plist_get_node_type(n) == PLIST_DICT) {
		plist_dict_iter it = NULL;
		char *key = NULL;
		plist_t v = NULL;

		plist_dict_new_iter(n, &it);
		for (plist_dict_next_item(n, it, &key, &v); v; plist_dict_next_item(n, it, &key, &v)) {
			snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", key);
			walk(v, path);
			free(key);
			key = NULL;
		}
		free(it);
	} else if (plist_get_node_type(n) == PLIST_ARRAY) {
		uint32_t i;

		for (i = 0; i < plist_array_get_size(n); i++) {
			snprintf(path, sizeof(path), "%s%s%u", prefix, *prefix ? "." : "", i);
			walk(plist_array_get_item(n, i), path);
		}
	} else {
		printf("%s=", prefix);
		print_value(n);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	FILE *f;
	char *buf;
	long len;
	plist_t root = NULL, n;
	char *path, *part, *save = NULL;

	if (argc < 2 || !(f = fopen(argv[1], "rb")))
		return 2;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 2;
	fclose(f);
	plist_from_memory(buf, (uint32_t)len, &root);
	free(buf);
	if (!root)
		return 1;
	if (argc < 3) {
		walk(root, "");
		plist_free(root);
		return 0;
	}
	path = strdup(argv[2]);
	n = root;
	for (part = strtok_r(path, ".", &save); part && n; part = strtok_r(NULL, ".", &save))
		n = plist_get_node_type(n) == PLIST_ARRAY ?
		    plist_array_get_item(n, (uint32_t)strtoul(part, NULL, 10)) :
		    plist_dict_get_item(n, part);
	if (n) {
		print_value(n);
		printf("\n");
	}
	plist_free(root);
	free(path);
	return n ? 0 : 1;
}
