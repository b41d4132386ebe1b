"""The seed's prime checker (study notes, "多进程和进程池的使用"), unchanged
except that main() reads the numbers from the file named by argv[1]
instead of the hard-coded list (with no argument it uses that list)."""
import concurrent.futures
import math
import sys

PRIMES = [
    1116281,
    1297337,
    104395303,
    472882027,
    533000389,
    817504243,
    982451653
] * 5


def is_prime(n):
    """判断素数"""
    if n % 2 == 0:
        return False

    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


def main():
    """主函数"""
    numbers = PRIMES
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            numbers = [int(line) for line in f if line.strip()]
    with concurrent.futures.ProcessPoolExecutor() as executor:
        for number, prime in zip(numbers, executor.map(is_prime, numbers, chunksize=256)):
            print('%d is prime: %s' % (number, prime))


if __name__ == '__main__':
    main()
