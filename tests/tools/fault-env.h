/* fault-env.h: see fault-env.c (enrollguard-fault only). */
#ifndef EG_FAULT_ENV_H
#define EG_FAULT_ENV_H

/* Arm core/fault.h from EG_FAULT; count and say the calls at exit. */
void fault_from_env(void);

#endif
