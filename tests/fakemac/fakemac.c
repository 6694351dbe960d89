/*
 * fakemac: every macOS tool enrollguard runs, replaying a scenario.
 *
 * One binary, installed (as symlinks) under a fake root as
 * usr/bin/profiles, usr/bin/powermetrics, usr/bin/log, ... It finds the
 * root by stripping its own path from argv[0], reads the scenario from
 * ROOT/etc/fakemac/scenario and the boot time from ROOT/var/fakemac/boot,
 * and prints what the real tool prints at that moment of the story.
 *
 * Every text printed here is copied from ../shared/field-guide.md; the
 * section is named next to each. Texts the guide marks INFERRED or
 * UNVERIFIED say so. Every call is appended to ROOT/var/fakemac/calls.
 *
 * Scenario keys (see the files in scenarios/ for examples and meanings):
 * name, arch, model, model_name, serial, os, build, speed,
 * setup_assistant_at, setup_done_at, cpu_die, hot_until, dasd_every, ucrt, ucrt_takes,
 * renew_before_ucrt, renew_after_ucrt, renew_takes, show, org, mdm_url,
 * reenroll, log_stream_ends, sw_vers_takes.
 */


#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

struct scenario {
	char name[64];
	char arch[16];          /* "intel" or "apple" */
	char model[64];
	char model_name[64];
	char serial[64];
	char os[32];
	char build[32];
	double speed;           /* scenario seconds per real second */
	double setup_at;        /* <0: never */
	double setup_done_at;   /* the user finishes Setup Assistant; <0: never */
	double die_start, die_end;
	double hot_until;       /* <0: hot forever */
	double dasd_every;
	char ucrt[16];          /* after-hot, at-boot, never */
	double ucrt_takes;
	char renew_before[32];
	char renew_after[32];
	double renew_takes;
	char show[32];
	char org[128];
	char mdm_url[256];
	char reenroll[16];       /* after renew: enroll, 403 or silent */
	double log_ends;         /* the first `log stream` exits this long after it started; <0 never */
	double sw_vers_takes;    /* sw_vers answers after this long (a slow first boot) */
};

static char root[PATH_MAX];
static char tool[64];
static struct scenario sc;
static double boot_ms;

static const char *const tools[] = {
	"/usr/bin/profiles", "/usr/bin/powermetrics", "/usr/bin/pmset",
	"/usr/bin/log", "/usr/bin/pgrep", "/usr/bin/sw_vers",
	"/usr/sbin/system_profiler", "/usr/sbin/sysctl", "/bin/launchctl",
	"/usr/bin/security", "/usr/libexec/mdmclient", "/usr/bin/pkgbuild",
	"/usr/bin/productbuild", NULL
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Scenario seconds since boot. */
static double story_now(void)
{
	return (now_ms() - boot_ms) / 1000.0 * sc.speed;
}

/* Sleep until scenario time t. */
static void sleep_until(double t)
{
	for (;;) {
		double left = (t - story_now()) / sc.speed;
		struct timespec ts;

		if (left <= 0)
			return;
		if (left > 0.5)
			left = 0.5;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fakemac: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(99);
}

static void set_str(char *dst, size_t n, const char *v)
{
	snprintf(dst, n, "%s", v);
}

static double parse_time(const char *v)
{
	if (!strcmp(v, "never"))
		return -1;
	return strtod(v, NULL);
}

static void load_scenario(void)
{
	char path[PATH_MAX + 64], line[512];
	FILE *f;

	memset(&sc, 0, sizeof(sc));
	set_str(sc.arch, sizeof(sc.arch), "intel");
	set_str(sc.model, sizeof(sc.model), "MacBookAir9,1");
	set_str(sc.model_name, sizeof(sc.model_name), "MacBook Air");
	set_str(sc.serial, sizeof(sc.serial), "FVFXC2ABJ1WK");
	set_str(sc.os, sizeof(sc.os), "10.15.6");
	set_str(sc.build, sizeof(sc.build), "19G2021");
	sc.speed = 1;
	sc.setup_done_at = -1;
	sc.die_start = sc.die_end = 55;
	sc.dasd_every = 10;
	set_str(sc.ucrt, sizeof(sc.ucrt), "after-hot");
	sc.ucrt_takes = 3.5;
	set_str(sc.renew_before, sizeof(sc.renew_before), "fail 34006");
	set_str(sc.renew_after, sizeof(sc.renew_after), "ok");
	sc.renew_takes = 0.3;
	set_str(sc.show, sizeof(sc.show), "config");
	set_str(sc.org, sizeof(sc.org), "Example Org");
	set_str(sc.mdm_url, sizeof(sc.mdm_url), "https://mdm.example.com/cloudenroll");
	set_str(sc.reenroll, sizeof(sc.reenroll), "silent");
	sc.log_ends = -1;

	snprintf(path, sizeof(path), "%s/etc/fakemac/scenario", root);
	f = fopen(path, "r");
	if (!f)
		fail("cannot open '%s': %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *k = line, *v, *e;

		if ((e = strchr(line, '#')))
			*e = '\0';
		v = strchr(line, '=');
		if (!v)
			continue;
		*v++ = '\0';
		while (*k == ' ' || *k == '\t')
			k++;
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = v + strlen(v); e > v && strchr(" \t\r\n", e[-1]); )
			*--e = '\0';
		k[strcspn(k, " \t")] = '\0';
		if (!strcmp(k, "name")) set_str(sc.name, sizeof(sc.name), v);
		else if (!strcmp(k, "arch")) set_str(sc.arch, sizeof(sc.arch), v);
		else if (!strcmp(k, "model")) set_str(sc.model, sizeof(sc.model), v);
		else if (!strcmp(k, "model_name")) set_str(sc.model_name, sizeof(sc.model_name), v);
		else if (!strcmp(k, "serial")) set_str(sc.serial, sizeof(sc.serial), v);
		else if (!strcmp(k, "os")) set_str(sc.os, sizeof(sc.os), v);
		else if (!strcmp(k, "build")) set_str(sc.build, sizeof(sc.build), v);
		else if (!strcmp(k, "speed")) sc.speed = strtod(v, NULL);
		else if (!strcmp(k, "setup_assistant_at")) sc.setup_at = parse_time(v);
		else if (!strcmp(k, "setup_done_at")) sc.setup_done_at = parse_time(v);
		else if (!strcmp(k, "cpu_die")) {
			char *arrow = strstr(v, "->");

			sc.die_start = strtod(v, NULL);
			sc.die_end = arrow ? strtod(arrow + 2, NULL) : sc.die_start;
		}
		else if (!strcmp(k, "hot_until")) sc.hot_until = parse_time(v);
		else if (!strcmp(k, "dasd_every")) sc.dasd_every = strtod(v, NULL);
		else if (!strcmp(k, "ucrt")) set_str(sc.ucrt, sizeof(sc.ucrt), v);
		else if (!strcmp(k, "ucrt_takes")) sc.ucrt_takes = strtod(v, NULL);
		else if (!strcmp(k, "renew_before_ucrt")) set_str(sc.renew_before, sizeof(sc.renew_before), v);
		else if (!strcmp(k, "renew_after_ucrt")) set_str(sc.renew_after, sizeof(sc.renew_after), v);
		else if (!strcmp(k, "renew_takes")) sc.renew_takes = strtod(v, NULL);
		else if (!strcmp(k, "show")) set_str(sc.show, sizeof(sc.show), v);
		else if (!strcmp(k, "org")) set_str(sc.org, sizeof(sc.org), v);
		else if (!strcmp(k, "mdm_url")) set_str(sc.mdm_url, sizeof(sc.mdm_url), v);
		else if (!strcmp(k, "log_stream_ends")) sc.log_ends = parse_time(v);
		else if (!strcmp(k, "sw_vers_takes")) sc.sw_vers_takes = strtod(v, NULL);
		else if (!strcmp(k, "reenroll")) set_str(sc.reenroll, sizeof(sc.reenroll), v);
		else fail("%s: unknown key '%s'", path, k);
	}
	fclose(f);
	if (sc.speed <= 0 || sc.dasd_every <= 0)
		fail("%s: speed and dasd_every must be positive", path);

	snprintf(path, sizeof(path), "%s/var/fakemac/boot", root);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%lf", &boot_ms) != 1)
		fail("cannot read the boot time from '%s'", path);
	fclose(f);
}

/* ---- the story ---------------------------------------------------------- */

static int hot_at(double t)
{
	return sc.hot_until < 0 || t < sc.hot_until;
}

/* When dasd lets the UCRT task run: its first scoring after the heat. */
static double dasd_allows_at(void)
{
	if (sc.hot_until < 0)
		return -1;
	return ceil(sc.hot_until / sc.dasd_every) * sc.dasd_every;
}

/* When the UCRT exists, or -1 for never. */
static double ucrt_at(void)
{
	if (!strcmp(sc.ucrt, "at-boot"))
		return 0;
	if (!strcmp(sc.ucrt, "never") || dasd_allows_at() < 0)
		return -1;
	return dasd_allows_at() + 0.3 + sc.ucrt_takes;
}

static double cpu_die_at(double t)
{
	double span = sc.hot_until > 0 ? sc.hot_until : 1;

	if (sc.hot_until >= 0 && t >= sc.hot_until)
		return sc.die_end;
	if (sc.hot_until < 0)
		return sc.die_start;
	return sc.die_start + (sc.die_end - sc.die_start) * (t / span);
}

static void log_call(int code)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/var/fakemac/calls", root);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%.3f %s exit=%d\n", story_now(), tool, code);
	fclose(f);
}

static void log_args(int argc, char **argv)
{
	char path[PATH_MAX + 64];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/var/fakemac/calls", root);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%.3f %s", story_now(), tool);
	for (i = 1; i < argc; i++)
		fprintf(f, " %s", argv[i]);
	fprintf(f, "\n");
	fclose(f);
}

static int finish(int code)
{
	fflush(stdout);
	log_call(code);
	return code;
}

/* ---- profiles (field-guide.md 1.2, 1.3) -------------------------------- */

static const char *cloud_text(long code)
{
	switch (code) {
	case 34000: return "The device failed to request configuration from the cloud.";
	case 34004: return "The cloud configuration server is unavailable or busy.";
	case 34006: return "The cloud configuration server is unavailable.";
	case 34007: return "The Device Enrollment service could not verify the identity of this device. Please contact your system administrator.";
	default: return "The cloud configuration server is unavailable.";
	}
}

/* "(34006) Error Domain=..." as in 1.2 (VERIFIED for show). */
static void print_cloud_error(FILE *f, const char *prefix, long code)
{
	const char *t = cloud_text(code);

	fprintf(f, "%s(%ld) Error Domain=MCCloudConfigurationErrorDomain Code=%ld \"%s\" "
		"UserInfo={NSLocalizedDescription=%s, "
		"CloudConfigurationErrorType=CloudConfigurationFatalError}\n",
		prefix, code, code, t, t);
}

static void hang(int ignore_term)
{
	if (ignore_term)
		signal(SIGTERM, SIG_IGN);
	for (;;)
		pause();
}

static int act(const char *what, int is_show)
{
	if (!strncmp(what, "ok", 2))
		return 0;
	if (!strcmp(what, "hang"))
		hang(0);
	if (!strcmp(what, "hang-hard"))
		hang(1);
	if (!strcmp(what, "crash")) {
		fflush(stdout);
		log_call(128 + SIGSEGV);
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	if (!strncmp(what, "fail", 4)) {
		long code = strtol(what + 4, NULL, 10);

		/*
		 * INFERRED (field-guide.md 1.3): no verbatim sample of a failing
		 * renew exists; the guide recommends the show form on stderr,
		 * exit 1. The prefix is kept as show prints it.
		 */
		print_cloud_error(stderr, "Error fetching Device Enrollment configuration: ",
				  code ? code : 34006);
		(void)is_show;
		return 1;
	}
	fail("unknown renew behaviour '%s'", what);
	return 99;
}

static void print_config(void)
{
	/* INFERRED whole dump, field-guide.md 1.2 (keys VERIFIED) */
	printf("Device Enrollment configuration:\n{\n"
	       "    AllowPairing = 1;\n"
	       "    AnchorCertificates =     (\n    );\n"
	       "    AwaitDeviceConfigured = 1;\n"
	       "    ConfigurationURL = \"%s\";\n"
	       "    IsMDMUnremovable = 1;\n"
	       "    IsMandatory = 1;\n"
	       "    IsMultiUser = 0;\n"
	       "    IsSupervised = 1;\n"
	       "    MDMProtocolVersion = 1;\n"
	       "    OrganizationAddress = \"1 Example Way, Springfield, IL 62701\";\n"
	       "    OrganizationDepartment = \"IT\";\n"
	       "    OrganizationEmail = \"it@example.com\";\n"
	       "    OrganizationMagic = \"A1B2C3D4-0000-0000-0000-000000000000\";\n"
	       "    OrganizationName = \"%s\";\n"
	       "    OrganizationPhone = \"+1 555 0100\";\n"
	       "    OrganizationSupportPhone = \"+1 555 0100\";\n"
	       "    SkipSetup =     (\n        Siri,\n        Diagnostics\n    );\n"
	       "    SupervisorHostCertificates =     (\n    );\n"
	       "}\n", sc.mdm_url, sc.org);
}

static int marker(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/var/fakemac/%s", root, name);
	return access(path, F_OK) == 0;
}

static void set_marker(const char *name)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/var/fakemac/%s", root, name);
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static int profiles(int argc, char **argv)
{
	double t = story_now(), u = ucrt_at();
	int have_ucrt = u >= 0 && t >= u;

	if (argc >= 4 && !strcmp(argv[1], "renew") && !strcmp(argv[3], "enrollment")) {
		int code;

		sleep_until(t + sc.renew_takes);
		code = act(have_ucrt ? sc.renew_after : sc.renew_before, 0);
		if (code == 0)
			set_marker("renewed");
		return finish(code);
	}
	if (argc >= 4 && !strcmp(argv[1], "show") && !strcmp(argv[3], "enrollment")) {
		if (!have_ucrt) {
			print_cloud_error(stdout, "Error fetching Device Enrollment configuration: ",
					  34006);
			return finish(1);
		}
		if (!strcmp(sc.show, "config")) {
			print_config();
			return finish(0);
		}
		if (!strcmp(sc.show, "not-dep-enabled")) {
			/* VERIFIED, 1.2 */
			printf("Error fetching Device Enrollment configuration: Client is not DEP enabled.\n");
			return finish(1);
		}
		if (!strcmp(sc.show, "too-soon")) {
			/* VERIFIED, 1.2: two spaces before Try, exit 1 */
			printf("Error fetching Device Enrollment configuration - Request too soon.  Try again later.\n");
			return finish(1);
		}
		printf("Device Enrollment configuration: (null)\n");
		return finish(0);
	}
	if (argc >= 4 && !strcmp(argv[1], "status") && !strcmp(argv[3], "enrollment")) {
		/* VERIFIED, 1.1 (the DEP line INFERRED from the two samples) */
		if (marker("enrolled"))
			printf("Enrolled via DEP: Yes\nMDM enrollment: Yes (User Approved)\n"
			       "MDM server: %s\n", sc.mdm_url);
		else
			printf("Enrolled via DEP: No\nMDM enrollment: No\n");
		return finish(0);
	}
	fprintf(stderr, "fakemac: profiles: unsupported arguments\n");
	return finish(64);
}

/* ---- powermetrics, pmset, sysctl (sections 3 and 4) ------------------- */

static void ctime_like(char *out, size_t n, double ms, int with_zone)
{
	time_t tt = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, n, with_zone ? "%a %b %e %H:%M:%S %Y %z" : "%a %b %e %H:%M:%S %Y", &tm);
}

static int powermetrics(int argc, char **argv)
{
	const char *samplers = "";
	double t = story_now();
	int hot = hot_at(t), smc = 0, thermal = 0, i;
	char boot[64], now[64];

	for (i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--samplers") || !strcmp(argv[i], "-s"))
			samplers = argv[i + 1];
	smc = strstr(samplers, "smc") != NULL;
	thermal = strstr(samplers, "thermal") != NULL;
	if (smc && !strcmp(sc.arch, "apple")) {
		/* OBSERVED twice, 3.1; the stream and status are UNVERIFIED */
		fprintf(stderr, "unrecognized sampler: smc\n");
		return finish(1);
	}
	ctime_like(boot, sizeof(boot), boot_ms, 0);
	ctime_like(now, sizeof(now), now_ms(), 1);
	/* header and banner, 3.2 (OBSERVED) */
	printf("Machine model: %s\nOS version: %s\nBoot arguments:\nBoot time: %s\n\n\n\n",
	       sc.model, sc.build, boot);
	printf("*** Sampled system activity (%s) (201.32ms elapsed) ***\n\n\n\n", now);
	if (smc) {
		/* 3.2, Intel smc block (OBSERVED) */
		printf("**** SMC sensors ****\n\n");
		printf("CPU Thermal level: %d\n", hot ? 52 : 0);
		printf("GPU Thermal level: 0\n");
		printf("IO Thermal level: %d\n", hot ? 2 : 0);
		printf("Fan: %.2f rpm\n", hot ? 4512.37 : 1836.76);
		printf("CPU die temperature: %.2f C\n", cpu_die_at(t));
		printf("GPU die temperature: 35.00 C\n");
		printf("CPU Plimit: 0.00\n");
		printf("GPU Plimit (Int): 0.00 \n");
		printf("Number of prochots: 0\n\n");
	}
	if (thermal)
		printf("**** Thermal pressure ****\n\nCurrent pressure level: %s\n\n",
		       hot ? "Heavy" : "Nominal");
	return finish(0);
}

static int pmset(int argc, char **argv)
{
	char date[64];
	time_t tt = (time_t)(boot_ms / 1000);
	struct tm tm;

	if (argc < 3 || strcmp(argv[1], "-g") || strcmp(argv[2], "therm"))
		return finish(64);
	/* 4.1, VERIFIED from pmset.c */
	printf("Note: No thermal warning level has been recorded\n"
	       "Note: No performance warning level has been recorded\n");
	if (!strcmp(sc.arch, "apple")) {
		printf("Note: No CPU power status has been recorded\n");
		return finish(0);
	}
	localtime_r(&tt, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %z", &tm);
	printf("%s CPU Power notify\n\tCPU_Scheduler_Limit \t= 100\n"
	       "\tCPU_Available_CPUs \t= 8\n\tCPU_Speed_Limit \t= 100\n", date);
	return finish(0);
}

static int sysctl_tool(int argc, char **argv)
{
	const char *oid = argc > 1 ? argv[argc - 1] : "";

	if (!strcmp(oid, "machdep.xcpm.cpu_thermal_level")) {
		if (!strcmp(sc.arch, "apple")) {
			/* OBSERVED ONCE, 4.2; stream and status UNVERIFIED */
			fprintf(stderr, "sysctl: unknown oid 'machdep.xcpm.cpu_thermal_level'\n");
			return finish(1);
		}
		if (argc > 2 && !strcmp(argv[1], "-n"))
			printf("%d\n", hot_at(story_now()) ? 52 : 0);
		else
			printf("machdep.xcpm.cpu_thermal_level: %d\n", hot_at(story_now()) ? 52 : 0);
		return finish(0);
	}
	fprintf(stderr, "sysctl: unknown oid '%s'\n", oid);
	return finish(1);
}

/* ---- sw_vers, system_profiler, pgrep (section 9) ------------------------ */

static int sw_vers(void)
{
	sleep_until(story_now() + sc.sw_vers_takes);
	if (!strncmp(sc.os, "10.", 3))
		/* 10.15 and earlier, single tab (OBSERVED) */
		printf("ProductName:\tMac OS X\nProductVersion:\t%s\nBuildVersion:\t%s\n",
		       sc.os, sc.build);
	else
		/* 13-26, two tabs (VERIFIED) */
		printf("ProductName:\t\tmacOS\nProductVersion:\t\t%s\nBuildVersion:\t\t%s\n",
		       sc.os, sc.build);
	return finish(0);
}

static int system_profiler(void)
{
	/* 9.3, VERIFIED layouts for Apple Silicon and Intel T2 */
	printf("Hardware:\n\n    Hardware Overview:\n\n");
	printf("      Model Name: %s\n      Model Identifier: %s\n", sc.model_name, sc.model);
	if (!strcmp(sc.arch, "apple"))
		printf("      Model Number: MGN63ZP/A\n      Chip: Apple M1\n"
		       "      Total Number of Cores: 8 (4 performance and 4 efficiency)\n"
		       "      Memory: 8 GB\n      System Firmware Version: 10151.61.4\n"
		       "      OS Loader Version: 10151.61.4\n");
	else
		printf("      Processor Name: Quad-Core Intel Core i5\n"
		       "      Processor Speed: 2 GHz\n      Memory: 16 GB\n"
		       "      Boot ROM Version: 1554.120.19.0.0 (iBridge: 18.16.14663.0.0,0)\n");
	printf("      Serial Number (system): %s\n"
	       "      Hardware UUID: 27CFFAFB-E654-56DD-9DD4-F68E02FEF875\n"
	       "      Activation Lock Status: Disabled\n\n", sc.serial);
	return finish(0);
}

static int setup_done(void)
{
	return sc.setup_done_at >= 0 && story_now() >= sc.setup_done_at;
}

/*
 * Setup Assistant writes /var/db/.AppleSetupDone when its user finishes
 * it (reset scripts delete the file to see it again: field-guide.md 8.1).
 * No process of the fake runs all the time, so every tool call writes it
 * once the story has passed setup_done_at; the agent runs a tool at every
 * thermal sample.
 */
static void write_setup_done(void)
{
	char path[PATH_MAX + 64];
	FILE *f;

	if (!setup_done())
		return;
	snprintf(path, sizeof(path), "%s/var/db/.AppleSetupDone", root);
	if (access(path, F_OK) == 0)
		return;
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static int pgrep(int argc, char **argv)
{
	const char *pat = argc > 1 ? argv[argc - 1] : "";

	/* UNVERIFIED: the Setup Assistant process name */
	if (!strcmp(pat, "Setup Assistant") && sc.setup_at >= 0 &&
	    story_now() >= sc.setup_at && !setup_done()) {
		printf("123\n");
		return finish(0);
	}
	return finish(1);
}

/* ---- log stream (sections 5.2, 6.2, 6.6) ------------------------------- */

static void log_time(char *out, size_t n)
{
	double ms = now_ms();
	time_t tt = (time_t)(ms / 1000);
	struct tm tm;
	char a[32], z[8];

	localtime_r(&tt, &tm);
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	snprintf(out, n, "%s.%06ld%s", a, (long)(fmod(ms, 1000.0) * 1000), z);
}

/* One default-style record: %-31s %-10s %-11s %-20s %-6d %-4d %s */
static void record(int pid, const char *thread, const char *proc_and_msg)
{
	char ts[48];

	log_time(ts, sizeof(ts));
	printf("%-31s %-10s %-11s %-20s %-6d %-4d %s\n", ts, thread, "Default",
	       "0x0", pid, 8, proc_and_msg);
	fflush(stdout);
}

static void dasd_blocked(unsigned n)
{
	char head[256];

	/* VERIFIED policy lines (seed 000), in the 2026 default-style layout */
	snprintf(head, sizeof(head),
		 "dasd: [com.apple.duetactivityscheduler:scoring] "
		 "0:com.apple.mobileactivationd.UCRT.OOB:%06X:[", 0xD65047u + n);
	record(120, "0x3f7e0", head);
	printf("\t{name: BatteryLevelPolicy, policyWeight: 1.000, response: {Decision: Must Not Proceed, Score: 0.00, Rationale: [{batteryLevel == 1}]}}\n"
	       "\t{name: NetworkQualityPolicy, policyWeight: 8.400, response: {Decision: Must Not Proceed, Score: 0.00, Rationale: [{[wiredQuality]: Required:20.00, Observed:0.00},{[wifiQuality]: Required:50.00, Observed:0.00},{[networkPathAvailability]: Required:1.00, Observed:1.00},]}}\n"
	       "\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
	       " ], FinalDecision: Absolutely Must Not Proceed}\n");
	fflush(stdout);
}

static void dasd_allowed(void)
{
	record(120, "0x3f7e0",
	       "dasd: [com.apple.duetactivityscheduler:scoring] "
	       "0:com.apple.mobileactivationd.UCRT.OOB:D24905:[");
	printf("\t{name: MemoryPressurePolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.50, Rationale: [{[memoryPressure]: Required:2.00, Observed:1.00},]}}\n"
	       "\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.20, Rationale: }}\n"
	       " ] sumScores:32.210000, denominator:38.910000, FinalDecision: Can Proceed FinalScore: 0.827808}\n");
	fflush(stdout);
}

/*
 * log show --last 1h ...: what the story logged from boot until now, in
 * the default style, between the preamble and the footer of 5.1.
 */
static int log_show(void)
{
	double allow = dasd_allows_at(), now = story_now(), t;
	unsigned n = 0, count = 0;

	printf("Filtering the log data using \"composedMessage CONTAINS \\\"UCRT\\\"\"\n");
	printf("Skipping info and debug messages, pass --info and/or --debug to include.\n");
	printf("Timestamp                       Thread     Type        Activity             PID    TTL  \n");
	for (t = 0; (allow < 0 || t < allow) && t <= now; t += sc.dasd_every, n++, count++)
		dasd_blocked(n);
	if (allow >= 0 && strcmp(sc.ucrt, "at-boot") && allow <= now) {
		dasd_allowed();
		count++;
		if (allow + 0.3 + sc.ucrt_takes <= now) {
			record(99, "0x2f3a", strcmp(sc.ucrt, "never") ?
			       "mobileactivationd: Successfully performed UCRT OOB." :
			       "mdmclient: [com.apple.ManagedClient:MDMDaemon] [0:MDMDaemon:<0x540>] UCRTsmb5: DEP registered according to UCRT: UCRTDEPStateUnavailable");
			count++;
		}
	}
	printf("--------------------------------------------------------------------------------------------------------------------\n");
	printf("Log      - Default:%11u, Info:%17d, Debug:%14d, Error:%11d, Fault:%11d\n", count, 0, 0, 0, 0);
	printf("Activity - Create:%12d, Transition:%11d, Actions:%12d\n", 0, 0, 0);
	return finish(0);
}

static int log_stream(int argc, char **argv)
{
	double allow = dasd_allows_at(), start = story_now(), t;
	double performing = allow + 0.3, done = allow + 0.3 + sc.ucrt_takes;
	unsigned n = 0;

	if (argc >= 2 && !strcmp(argv[1], "show"))
		return log_show();
	if (argc < 2 || strcmp(argv[1], "stream"))
		return finish(64);
	signal(SIGPIPE, SIG_DFL);
	/* 5.1: the predicate echo, then the header without "Skipping..." */
	printf("Filtering the log data using \"composedMessage CONTAINS \\\"UCRT\\\"\"\n");
	printf("Timestamp                       Thread     Type        Activity             PID    TTL  \n");
	fflush(stdout);
	if (sc.log_ends >= 0 && !marker("log-ended")) {
		/* the first log stream ends on its own, with nothing to say */
		set_marker("log-ended");
		sleep_until(start + sc.log_ends);
		return finish(0);
	}
	/* log stream shows only what happens after it starts */
	for (t = 0; allow < 0 || t < allow; t += sc.dasd_every, n++) {
		if (t < start)
			continue;
		sleep_until(t);
		dasd_blocked(n);
	}
	if (allow >= 0 && strcmp(sc.ucrt, "at-boot")) {
		if (allow >= start) {
			sleep_until(allow);
			dasd_allowed();
		}
		if (performing >= start) {
			sleep_until(performing);
			/* 6.6: Console shows <Unknown> subsystem; default style INFERRED */
			record(99, "0x2f3a", "mobileactivationd: Performing UCRT OOB.");
		}
		if (done >= start) {
			sleep_until(done);
			if (!strcmp(sc.ucrt, "never"))
				/* 6.6, VERIFIED (khronokernel, VM without SEP) */
				record(2611, "0x540", "mdmclient: [com.apple.ManagedClient:MDMDaemon] [0:MDMDaemon:<0x540>] UCRTsmb5: DEP registered according to UCRT: UCRTDEPStateUnavailable");
			else
				record(99, "0x2f3a", "mobileactivationd: Successfully performed UCRT OOB.");
		}
	}
	/* a re-enrollment: what the Mac logs once profiles renew succeeded */
	while (!marker("renewed"))
		sleep_until(story_now() + 0.1 * sc.speed);
	sleep_until(story_now() + 1);
	if (!strcmp(sc.reenroll, "403"))
		/* addendum: OBSERVED ONCE with 500 (micromdm 854); 403 INFERRED */
		record(2611, "0x540", "mdmclient: [com.apple.ManagedClient:MDMDaemon] CloudConfig: Error returning activation profile. Error = 403; Datasize = 0");
	else if (!strcmp(sc.reenroll, "enroll"))
		set_marker("enrolled");
	log_call(0);
	hang(0);
	return 0;
}

/* ---- launchctl, pkgbuild, productbuild ----------------------------------- */

/*
 * launchctl keeps "loaded" services as files under ROOT/var/fakemac/launchd.
 * UNVERIFIED: the exact failure texts and codes of bootstrap/bootout are
 * not in field-guide.md; these are common forms ("Bootstrap failed: 5:
 * Input/output error" when already loaded, "Boot-out failed: 3: No such
 * process" when not loaded).
 */
static int launchctl(int argc, char **argv)
{
	char path[PATH_MAX + 128];
	const char *label;
	FILE *f;

	if (argc >= 4 && !strcmp(argv[1], "bootstrap") && !strcmp(argv[2], "system")) {
		char plist[PATH_MAX + 64];

		/* the daemon's label is its file name without .plist */
		label = strrchr(argv[3], '/') ? strrchr(argv[3], '/') + 1 : argv[3];
		snprintf(path, sizeof(path), "%s/var/fakemac/launchd/%.*s", root,
			 (int)(strlen(label) - (strstr(label, ".plist") ? 6 : 0)), label);
		snprintf(plist, sizeof(plist), "%s%s", root, argv[3]);
		if (access(plist, R_OK)) {
			fprintf(stderr, "Bootstrap failed: 2: No such file or directory\n");
			return finish(2);
		}
		if (access(path, F_OK) == 0) {
			fprintf(stderr, "Bootstrap failed: 5: Input/output error\n");
			return finish(5);
		}
		snprintf(plist, sizeof(plist), "%s/var/fakemac/launchd", root);
		mkdir(plist, 0755);
		f = fopen(path, "w");
		if (f)
			fclose(f);
		return finish(0);
	}
	if (argc >= 3 && !strcmp(argv[1], "bootout") && !strncmp(argv[2], "system/", 7)) {
		snprintf(path, sizeof(path), "%s/var/fakemac/launchd/%s", root, argv[2] + 7);
		if (unlink(path)) {
			fprintf(stderr, "Boot-out failed: 3: No such process\n");
			return finish(3);
		}
		return finish(0);
	}
	fprintf(stderr, "fakemac: launchctl: unsupported arguments\n");
	return finish(64);
}

/*
 * security find-certificate -a -p -Z KEYCHAIN: the fake keychain file
 * holds exactly what the real tool prints for it (field-guide.md 8.1),
 * written by the test. UNVERIFIED: the text and status for a missing
 * keychain; this is the common form.
 */
static int security_tool(int argc, char **argv)
{
	char path[PATH_MAX + 64], buf[65536];
	size_t n;
	FILE *f;

	if (argc < 3 || strcmp(argv[1], "find-certificate"))
		return finish(64);
	snprintf(path, sizeof(path), "%s%s", root, argv[argc - 1]);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n");
		return finish(44);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return finish(0);
}

/* pkgbuild and productbuild: write their output file, say what they did. */
static int pkgtool(int argc, char **argv)
{
	FILE *f;

	if (argc < 2)
		return finish(64);
	f = fopen(argv[argc - 1], "w");
	if (!f) {
		fprintf(stderr, "%s: cannot write %s\n", tool, argv[argc - 1]);
		return finish(1);
	}
	fprintf(f, "fake %s output\n", tool);
	fclose(f);
	printf("%s: Wrote package to %s\n", tool, argv[argc - 1]);
	return finish(0);
}

/* ---- main --------------------------------------------------------------- */

static void find_root(const char *argv0)
{
	size_t n = strlen(argv0);
	int i;

	for (i = 0; tools[i]; i++) {
		size_t k = strlen(tools[i]);

		if (n >= k && !strcmp(argv0 + n - k, tools[i])) {
			snprintf(root, sizeof(root), "%.*s", (int)(n - k), argv0);
			snprintf(tool, sizeof(tool), "%s", strrchr(tools[i], '/') + 1);
			return;
		}
	}
	fail("'%s' is not a tool path this fake Mac knows", argv0);
}

int main(int argc, char **argv)
{
	find_root(argv[0]);
	load_scenario();
	log_args(argc, argv);
	write_setup_done();
	if (!strcmp(tool, "profiles")) return profiles(argc, argv);
	if (!strcmp(tool, "powermetrics")) return powermetrics(argc, argv);
	if (!strcmp(tool, "pmset")) return pmset(argc, argv);
	if (!strcmp(tool, "sysctl")) return sysctl_tool(argc, argv);
	if (!strcmp(tool, "sw_vers")) return sw_vers();
	if (!strcmp(tool, "system_profiler")) return system_profiler();
	if (!strcmp(tool, "pgrep")) return pgrep(argc, argv);
	if (!strcmp(tool, "log")) return log_stream(argc, argv);
	if (!strcmp(tool, "launchctl")) return launchctl(argc, argv);
	if (!strcmp(tool, "security")) return security_tool(argc, argv);
	if (!strcmp(tool, "pkgbuild") || !strcmp(tool, "productbuild"))
		return pkgtool(argc, argv);
	fprintf(stderr, "fakemac: %s is not faked yet\n", tool);
	return finish(64);
}
